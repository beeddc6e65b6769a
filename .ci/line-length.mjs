#!/usr/bin/env node
// Fails when a code file has a line longer than 120 characters: Biome's formatter wraps code at 120, but it does
// not wrap comments or strings, and Biome 2.6 has no lint rule for line length (none in its configuration schema).
// It checks the files biome.jsonc's `files.includes` selects, so `npm run lint` widens with that one list.
// A line that is nothing but a comment marker and one URL is allowed: a link cannot be wrapped.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

const MAX = 120
const CODE = /\.(ts|mts|cts|js|mjs|cjs|css)$/
const LONE_URL = /^\s*(\/\/|\*|\/\*\*?)\s*(<?https?:\/\/\S+>?)\s*(\*\/)?$/

/** A Biome glob (`*`, `**`, `{a,b}`) as a RegExp; a pattern that names a folder also matches what is inside it. */
function globToRegExp(glob) {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*'
      i += glob[i + 2] === '/' ? 2 : 1
    } else if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else if (c === '{') re += '(?:'
    else if (c === '}') re += ')'
    else if (c === ',') re += '|'
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}(?:/.*)?$`)
}

// biome.jsonc allows `//` comment lines and trailing commas; drop both before JSON.parse.
const config = JSON.parse(
  readFileSync(new URL('../biome.jsonc', import.meta.url), 'utf8')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/,(\s*[}\]])/g, '$1'),
)
const rules = config.files.includes.map((g) =>
  g.startsWith('!') ? { keep: false, re: globToRegExp(g.replace(/^!+/, '')) } : { keep: true, re: globToRegExp(g) },
)
const selected = (path) => rules.reduce((keep, r) => (r.re.test(path) ? r.keep : keep), false)

const root = new URL('..', import.meta.url)
/** The repository's files: git's list (tracked and untracked, not ignored), or a walk where there is no git. */
function listFiles() {
  try {
    return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).split('\n')
  } catch {
    const skip = new Set(['.git', 'node_modules', 'dist', 'test-artifacts', '/data']) // as .gitignore
    const walk = (dir) =>
      readdirSync(new URL(dir || '.', root), { withFileTypes: true }).flatMap((e) =>
        skip.has(e.name) || skip.has(`/${dir}${e.name}`)
          ? []
          : e.isDirectory()
            ? walk(`${dir}${e.name}/`)
            : [`${dir}${e.name}`],
      )
    return walk('')
  }
}
const files = listFiles().filter((f) => CODE.test(f) && selected(f))

let long = 0
for (const file of files) {
  let text
  try {
    text = readFileSync(new URL(file, root), 'utf8')
  } catch {
    continue // deleted in the work tree, not yet in the index
  }
  text.split('\n').forEach((line, i) => {
    if (line.length > MAX && !LONE_URL.test(line)) {
      long++
      console.log(`${file}:${i + 1}: ${line.length} characters (at most ${MAX})`)
    }
  })
}
if (long > 0) {
  console.log(
    `\n${long} line(s) over ${MAX} characters in ${files.length} files: wrap them (comments and strings by hand).`,
  )
  process.exit(1)
}
console.log(`line length: ${files.length} files, none over ${MAX} characters`)
