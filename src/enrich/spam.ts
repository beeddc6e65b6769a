/**
 * Referrer-spam host list: `src/enrich/data/referrer-spam.txt` (its header says where it comes from and
 * how to regenerate it with `src/enrich/data/update-spam-list.mjs`). The default list is read once, on
 * first use — not on import. Lookups never throw and do bounded work.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { domainToASCII, fileURLToPath } from 'node:url'
import { stripWww } from './url.js'

/** The data file, relative to the package root (the directory holding package.json). */
export const SPAM_LIST_RELATIVE_PATH = 'src/enrich/data/referrer-spam.txt'

/** Hosts longer than this are never spam hosts (DNS caps names at 253). */
const MAX_HOST_CHARS = 253
/** Labels looked at, from the right (a deeper host is looked up by its last ones). */
const MAX_LEVELS = 16

/**
 * Where the shipped list is, from this module's location: from `src/enrich/` (vitest, tsx) as well as
 * from the bundles in `dist/` (`dist/cli.js`, `dist/workers/drain.js`, `dist/bench/*.js`), by walking up
 * to the first directory that holds both a package.json and the data file.
 */
export function defaultSpamListPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 12; i++) {
    if (existsSync(join(dir, 'package.json'))) {
      const file = join(dir, SPAM_LIST_RELATIVE_PATH)
      if (existsSync(file)) return file
    }
    const up = dirname(dir)
    if (up === dir) break
    dir = up
  }
  throw new Error(`referrer-spam list not found: no ${SPAM_LIST_RELATIVE_PATH} above ${fileURLToPath(import.meta.url)}`)
}

/** A list entry or a looked-up host in canonical form: lower-case ASCII (punycode), no `www.`, no dot at
 *  the end; `''` when it cannot be a host name. */
function canonicalHost(raw: string): string {
  let h = raw.trim()
  if (h === '' || h.length > MAX_HOST_CHARS * 4) return ''
  if (/[^\x21-\x7e]/.test(h)) h = domainToASCII(h) // IDN → punycode; '' when invalid
  h = stripWww(h.toLowerCase())
  return h.length > 0 && h.length <= MAX_HOST_CHARS && /^[a-z0-9_.-]+$/.test(h) ? h : ''
}

export class SpamList {
  readonly #hosts: ReadonlySet<string>

  private constructor(hosts: ReadonlySet<string>) {
    this.#hosts = hosts
  }

  /** Number of distinct hosts on the list. */
  get size(): number {
    return this.#hosts.size
  }

  /**
   * Parses the list format: one host per line, `#` starts a comment (whole line or trailing), blank
   * lines and lines that are not host names are skipped; a leading `www.` is dropped, IDNs become punycode.
   */
  static parse(text: string): SpamList {
    const hosts = new Set<string>()
    for (const line of String(text).split(/\r?\n/)) {
      const hash = line.indexOf('#')
      const h = canonicalHost(hash >= 0 ? line.slice(0, hash) : line)
      if (h !== '' && h.includes('.')) hosts.add(h)
    }
    return new SpamList(hosts)
  }

  /**
   * Reads a list file (default: the shipped `src/enrich/data/referrer-spam.txt`, see
   * {@link defaultSpamListPath}). Throws when the file cannot be read — a deployment error to report at
   * start-up, never caused by request data.
   */
  static load(file: string = defaultSpamListPath()): SpamList {
    return SpamList.parse(readFileSync(file, 'utf8'))
  }

  /**
   * Whether `host` or any of its parent domains is listed (`x.semalt.com` matches `semalt.com`); case and
   * a leading `www.` are ignored, the bare top-level domain is never tried. Never throws.
   */
  has(host: string): boolean {
    if (typeof host !== 'string' || host === '' || this.#hosts.size === 0) return false
    let h = canonicalHost(host)
    for (let i = h.length - 1, dots = 0; i >= 0; i--) {
      if (h.charCodeAt(i) === 46 && ++dots === MAX_LEVELS) {
        h = h.slice(i + 1) // only the last MAX_LEVELS labels can hold a listed domain worth matching
        break
      }
    }
    for (let i = 0; i < MAX_LEVELS && h.includes('.'); i++) {
      if (this.#hosts.has(h)) return true
      h = h.slice(h.indexOf('.') + 1)
    }
    return false
  }
}

let defaultList: SpamList | undefined

/**
 * The shipped list, read on first use. If it cannot be read, an empty list is used (nothing is treated
 * as spam) and one process warning says why — ingestion must not stop over a missing data file.
 */
export function defaultSpamList(): SpamList {
  if (defaultList === undefined) {
    try {
      defaultList = SpamList.load()
    } catch (err) {
      defaultList = SpamList.parse('')
      process.emitWarning(
        `referrer-spam list not loaded, spam filtering is off: ${(err as Error).message}`,
        'HitringSpamList',
      )
    }
  }
  return defaultList
}

/**
 * Whether a referrer host (as `classifyReferrer` returns it) is a known referrer-spam host or a
 * subdomain of one, on the shipped list. Never throws.
 */
export function isSpamReferrer(referrerHost: string): boolean {
  return defaultSpamList().has(referrerHost)
}
