#!/usr/bin/env node
/**
 * Regenerates src/enrich/data/referrer-spam.txt (the list src/enrich/spam.ts reads) from a local file.
 * Nothing is downloaded: get the list first, e.g. Matomo's community list (public domain) with
 * `git clone https://github.com/matomo-org/referrer-spam-list` on a machine that may fetch it.
 *
 *   node src/enrich/data/update-spam-list.mjs <list-file | -> [--merge] [--source "where it came from"] [--out file]
 *
 * Input: one host per line with optional `#` comments (Matomo's spammers.txt format), or JSON: an array
 * of hosts or an object whose array values are hosts (e.g. `{"spamReferrers": [...]}`); `-` reads stdin.
 * Hosts are lower-cased, a leading `www.` and a trailing dot dropped, IDNs converted to punycode, entries
 * that are not host names (no dot, spaces, paths) skipped; the result is deduplicated and sorted.
 * --merge keeps the hosts already in the output file; --source is written into the header (default: the
 * input file's name). The output is replaced atomically.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { basename } from 'node:path'
import { domainToASCII, fileURLToPath } from 'node:url'

const usage =
  'usage: node src/enrich/data/update-spam-list.mjs <list-file | -> [--merge] [--source "text"] [--out file]'

function parseArgs(argv) {
  const o = {
    input: undefined,
    merge: false,
    source: undefined,
    out: fileURLToPath(new URL('./referrer-spam.txt', import.meta.url)),
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--merge') o.merge = true
    else if (a === '--source' || a === '--out') {
      if (argv[i + 1] === undefined) throw new Error(`${a} needs a value`)
      o[a.slice(2)] = argv[++i]
    } else if (a === '-h' || a === '--help') {
      console.log(usage)
      process.exit(0)
    } else if (o.input === undefined && (a === '-' || !a.startsWith('-'))) o.input = a
    else throw new Error(`unexpected argument: ${a}`)
  }
  if (o.input === undefined) throw new Error('no input list given')
  return o
}

/** Same canonical form as canonicalHost() in src/enrich/spam.ts; '' when not a host name. */
function canonicalHost(raw) {
  let h = String(raw).trim()
  if (h === '' || h.length > 1000) return ''
  if (/[^\x21-\x7e]/.test(h)) h = domainToASCII(h)
  h = h.toLowerCase()
  if (h.endsWith('.')) h = h.slice(0, -1)
  if (h.startsWith('www.') && h.length > 4) h = h.slice(4)
  return h.length <= 253 && h.includes('.') && /^[a-z0-9_.-]+$/.test(h) ? h : ''
}

/** Raw entries of a list file: text lines without comments, or the strings of a JSON document. */
function entries(text) {
  const t = text.replace(/^\uFEFF/, '').trim()
  if (t.startsWith('[') || t.startsWith('{')) {
    const doc = JSON.parse(t)
    const arrays = Array.isArray(doc) ? [doc] : Object.values(doc).filter(Array.isArray)
    return arrays.flat().filter((x) => typeof x === 'string')
  }
  return t.split(/\r?\n/).map((line) => (line.includes('#') ? line.slice(0, line.indexOf('#')) : line))
}

function main() {
  const opts = parseArgs(process.argv.slice(2))
  const text = readFileSync(opts.input === '-' ? 0 : opts.input, 'utf8')
  const raw = entries(text).filter((e) => e.trim() !== '')
  const hosts = new Set()
  let skipped = 0
  for (const e of raw) {
    const h = canonicalHost(e)
    if (h === '') skipped++
    else hosts.add(h)
  }
  if (hosts.size === 0) throw new Error(`no host names found in ${opts.input}; not replacing the list`)
  const fromInput = hosts.size
  if (opts.merge) {
    for (const e of entries(readFileSync(opts.out, 'utf8'))) {
      const h = canonicalHost(e)
      if (h !== '') hosts.add(h)
    }
  }
  const sorted = [...hosts].sort()
  const source = opts.source ?? (opts.input === '-' ? 'standard input' : basename(opts.input))
  const header = [
    '# hitring referrer-spam host list (read by src/enrich/spam.ts)',
    `# Source: ${source}${opts.merge ? ' (merged with the previous list)' : ''}`,
    `# Generated: ${new Date().toISOString().slice(0, 10)} by src/enrich/data/update-spam-list.mjs, ` +
      `${sorted.length} hosts`,
    '# Format: one host per line; "#" starts a comment. A host also matches its subdomains;',
    '# a leading "www." is ignored; IDNs are stored in punycode.',
    '# Update: get a list file (e.g. spammers.txt from a clone of github.com/matomo-org/referrer-spam-list,',
    '# public domain), then: node src/enrich/data/update-spam-list.mjs path/to/spammers.txt --source "..."',
    '# Add --merge to keep the hosts already listed here. Edit by hand only for urgent additions.',
    '',
  ]
  const tmp = `${opts.out}.tmp-${process.pid}`
  writeFileSync(tmp, `${header.join('\n')}${sorted.join('\n')}\n`)
  renameSync(tmp, opts.out)
  console.log(
    `wrote ${sorted.length} hosts to ${opts.out} (${fromInput} from the input, ` +
      `${raw.length - skipped - fromInput} duplicates, ${skipped} skipped entries)`,
  )
}

try {
  main()
} catch (err) {
  console.error(`update-spam-list: ${err.message}\n${usage}`)
  process.exitCode = 2
}
