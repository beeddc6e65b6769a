/**
 * The README's configuration table says what src/config/options.ts declares: every option has one row
 * (no row for an option that does not exist), with its environment variable and its default in the
 * same position as its flag (a row may list several options: `-api-rate`, `-api-burst`), and any alias
 * it shows in parentheses is one the parser takes. A default the README describes in words (the public
 * URL's, the worker count's) is one the option leaves empty and computes.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { OPTIONS, type OptionDef } from '../src/config/options.js'

const ROOT = join(import.meta.dirname, '..')

interface Row {
  line: string
  flags: string[]
  aliases: string[]
  envs: string[]
  defaults: string[]
}

/** The rows of the first table under "## Configuration" (header and separator left out). */
function configurationRows(): Row[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('\n## Configuration\n'))
  const lines = section.split('\n')
  const start = lines.findIndex((l) => l.startsWith('| flag |'))
  const rows: Row[] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break
    const [flagCell, envCell, defaultCell] = line.split(' | ').map((c) => c.replace(/^\| /, ''))
    // `-a` (`-alias`), `-b`: the flags outside parentheses, the aliases inside.
    const aliases = [...flagCell!.matchAll(/\(`-([a-z-]+)`\)/g)].map((m) => m[1]!)
    const flags = [...flagCell!.replace(/\(`-[a-z-]+`\)/g, '').matchAll(/`-([a-z-]+)`/g)].map((m) => m[1]!)
    const envs = [...envCell!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!)
    // Several options in a row: one backticked default each; one option: the whole cell.
    const defaults = flags.length > 1 ? defaultCell!.split(', ') : [defaultCell!]
    rows.push({ line, flags, aliases, envs, defaults })
  }
  return rows
}

const rows = configurationRows()
const options = OPTIONS as readonly OptionDef[]

test('the README lists every option once, and no option that does not exist', () => {
  expect(rows.length).toBeGreaterThan(10)
  const listed = rows.flatMap((r) => r.flags)
  expect([...listed].sort()).toEqual(options.map((o) => o.flag).sort())
})

const each = test.each(options.map((o) => [o.flag, o] as const))

each('-%s: the README row has its environment variable, default and aliases', (flag, option) => {
  const row = rows.find((r) => r.flags.includes(flag))!
  const i = row.flags.indexOf(flag)
  expect(row.envs.length, row.line).toBe(row.flags.length)
  expect(row.envs[i], row.line).toBe(option.env)
  if (option.default === '') expect(row.defaults[i], row.line).not.toMatch(/^`[^`]*`$/)
  else expect(row.defaults[i], row.line).toBe(`\`${option.default}\``)
  if (row.flags.length === 1) for (const alias of row.aliases) expect(option.aliases ?? [], row.line).toContain(alias)
})
