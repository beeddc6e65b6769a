/** `hitring site add|list`: sites from the command line; `site list` is a TSV with a header row. */
import { spawnSync } from 'node:child_process'
import { afterAll, expect, test } from 'vitest'
import { addSite, CLI, tempDataDir } from './helpers/server.js'

const dir = tempDataDir()
afterAll(() => dir.remove())
const run = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args, '-data-path', dir.path], { encoding: 'utf8' })

test('site list of no site: its header row alone', () => {
  const list = run('site', 'list')
  expect(list.status).toBe(0)
  expect(list.stdout).toBe('id\tdomain\ttimezone\tcreated_at\n')
})

test('site add prints a UUID; site list shows it under a tab-separated header row; domains are lower-cased', () => {
  const id = addSite(dir.path, 'Example.COM', ['--timezone', 'Europe/Berlin'])
  expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  const list = run('site', 'list')
  expect(list.status).toBe(0)
  // The same output piped as on a terminal: a TSV whose first line names the columns.
  const [header, ...rows] = list.stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split('\t'))
  expect(header).toEqual(['id', 'domain', 'timezone', 'created_at'])
  expect(rows).toHaveLength(1)
  const row = Object.fromEntries(header!.map((name, i) => [name, rows[0]![i]]))
  expect(row).toMatchObject({ id, domain: 'example.com', timezone: 'Europe/Berlin' })
  expect(new Date(row.created_at!).toISOString()).toBe(row.created_at)
})

test.each([
  [['https://example.org'], /not a URL/],
  [['example.org/path'], /not a URL/],
  [['www.example.org'], /www\./],
  [['exa mple.org'], /valid domain/],
  [['example.com'], /exists already/],
  [['ok.example', '--timezone', 'Mars/Olympus'], /IANA time zone/],
])('site add %j is refused with a clear message and exit code 2', (args, message) => {
  const r = run('site', 'add', ...args)
  expect(r.status).toBe(2)
  expect(r.stderr).toMatch(message)
})
