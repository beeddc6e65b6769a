/**
 * Page URL → hostname, path, UTM tags and tagged source. Pure; never throws; bounded work.
 * @module
 */

/** Longest query-derived value (UTM tags, `ref`) kept, in UTF-16 units. */
export const MAX_VALUE_CHARS = 300
/** Longer hostnames are not DNS names: such URLs give `null`. */
const MAX_HOST_CHARS = 253
/** Longest path kept, in UTF-16 units (an ingested URL is at most 2,000 bytes anyway). */
export const MAX_PATH_CHARS = 2000
/** Longer inputs are not parsed at all (`null`): ingest accepts at most 2,000 bytes, so only a hostile
 *  or buggy caller sends more, and parsing a cut URL would describe a page that was never visited. */
export const MAX_URL_CHARS = 8192

export interface Utm {
  source: string
  medium: string
  campaign: string
  term: string
  content: string
}

export interface PageUrl {
  /** Lower-case host without one leading `www.` and without a trailing dot; IDNs in punycode. */
  hostname: string
  /** Path only (no query, no fragment), `/` when empty, as the WHATWG URL serialiser writes it. */
  path: string
  /** `utm_*` query parameters, percent-decoded, trimmed, cut; `''` when absent. */
  utm: Utm
  /** The tagged source: the first non-empty of `utm_source`, `source`, `ref` (see {@link parsePageUrl}). */
  ref: string
}

const HTTP = /^https?:\/\//i
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is this regex's job
const NUL = /\u0000/g

/** Cut to at most n UTF-16 units without leaving half a surrogate pair at the end. */
export function cutChars(s: string, n: number): string {
  if (s.length <= n) return s
  const c = s.charCodeAt(n - 1)
  return s.slice(0, c >= 0xd800 && c <= 0xdbff ? n - 1 : n)
}

/** Trimmed, NUL → U+FFFD, cut to n. */
function clean(s: string | null, n: number): string {
  if (s === null || s === '') return ''
  let v = s.trim()
  if (v.includes('\u0000')) v = v.replace(NUL, '\uFFFD')
  return cutChars(v, n).trim()
}

/** `www.example.com.` → `example.com`. Input already lower-case. */
export function stripWww(host: string): string {
  let h = host.endsWith('.') ? host.slice(0, -1) : host
  if (h.startsWith('www.') && h.length > 4) h = h.slice(4)
  return h
}

const EMPTY_UTM: Readonly<Utm> = Object.freeze({ source: '', medium: '', campaign: '', term: '', content: '' })

/**
 * Splits an ingested page URL. Returns `null` unless it is an absolute `http(s)://` URL that the WHATWG
 * parser accepts — the same test the ingest validation applies (`/^https?:\/\//i` + `URL.canParse`).
 *
 * - `hostname`: lower-case, one leading `www.` and a trailing dot removed; over 253 chars → `null`.
 * - `path`: the pathname as serialised by the WHATWG parser: dot segments resolved, characters outside
 *   the path set percent-encoded (so `/café` and `/caf%C3%A9` agree), existing escapes NOT decoded;
 *   `/` when empty; any NUL replaced by U+FFFD; cut to {@link MAX_PATH_CHARS}.
 * - `utm`: `utm_source`, `utm_medium`, `utm_campaign`, `utm_term`, `utm_content` (first occurrence of
 *   each), percent- and `+`-decoded, NUL → U+FFFD, trimmed, cut to {@link MAX_VALUE_CHARS}.
 * - `ref`, Plausible's tagged-source precedence: **`utm_source` > `source` > `ref`** — the first of the
 *   three that is non-empty after trimming, cleaned like the UTM values; `''` when none is.
 *
 * Inputs longer than {@link MAX_URL_CHARS} give `null` without being parsed. Never throws.
 */
export function parsePageUrl(url: string): PageUrl | null {
  if (typeof url !== 'string' || url.length > MAX_URL_CHARS || !HTTP.test(url)) return null
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return null
  }
  const hostname = stripWww(u.hostname)
  if (hostname === '' || hostname.length > MAX_HOST_CHARS) return null
  let path = u.pathname
  if (path === '') path = '/'
  else {
    if (path.includes('\u0000')) path = path.replace(NUL, '\uFFFD')
    path = cutChars(path, MAX_PATH_CHARS)
  }
  if (u.search.length <= 1) return { hostname, path, utm: { ...EMPTY_UTM }, ref: '' }

  const q = u.searchParams
  const utm: Utm = {
    source: clean(q.get('utm_source'), MAX_VALUE_CHARS),
    medium: clean(q.get('utm_medium'), MAX_VALUE_CHARS),
    campaign: clean(q.get('utm_campaign'), MAX_VALUE_CHARS),
    term: clean(q.get('utm_term'), MAX_VALUE_CHARS),
    content: clean(q.get('utm_content'), MAX_VALUE_CHARS),
  }
  const ref = utm.source || clean(q.get('source'), MAX_VALUE_CHARS) || clean(q.get('ref'), MAX_VALUE_CHARS)
  return { hostname, path, utm, ref }
}
