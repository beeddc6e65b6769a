/**
 * Referrer → host, human source name and whether it is internal (same site). Pure; never throws;
 * bounded work on any input.
 * @module
 */
import { sourceForHost } from './sources.js'
import { stripWww } from './url.js'

export interface ReferrerInfo {
  /** Referrer host: lower-case, no port, no `www.`, IDNs in punycode; `''` for direct and internal. */
  host: string
  /** Source name (`Google`, `Hacker News`, …) or the registrable-ish host; `''` for direct and internal. */
  source: string
  /** Same site: the referrer host equals the page host or the site domain or is a subdomain of the site. */
  internal: boolean
}

/** Longer referrers are cut to this before parsing (ingest cuts them to 2,000 bytes anyway). */
export const MAX_REFERRER_CHARS = 4096

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i
const HOST_CHARS = /^[a-z0-9_.-]+$/
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/
/** Second-level labels under which ccTLD registrations sit: `example.co.uk`, `example.com.au`. */
const SECOND_LEVEL = new Set(['ac', 'co', 'com', 'edu', 'gob', 'gov', 'go', 'ne', 'net', 'or', 'org'])
/** Hosting suffixes whose subdomains are separate sites: keep one label more than the suffix. */
const SHARED_HOSTING = new Set([
  'blogspot.com',
  'github.io',
  'gitlab.io',
  'netlify.app',
  'vercel.app',
  'pages.dev',
  'workers.dev',
  'herokuapp.com',
  'web.app',
  'firebaseapp.com',
  'appspot.com',
  'wordpress.com',
  'neocities.org',
])

const DIRECT: Readonly<ReferrerInfo> = Object.freeze({ host: '', source: '', internal: false })
const INTERNAL: Readonly<ReferrerInfo> = Object.freeze({ host: '', source: '', internal: true })

/** Lower-case host without port, userinfo, trailing dot or `www.` from a host[:port] span; `''` if invalid. */
function normaliseHost(span: string): string {
  let h = span
  const at = h.lastIndexOf('@')
  if (at >= 0) h = h.slice(at + 1)
  const colon = h.indexOf(':')
  if (colon >= 0) {
    if (!/^\d{0,5}$/.test(h.slice(colon + 1))) return '' // `about:blank`, `mailto:x`: not host:port
    h = h.slice(0, colon)
  }
  h = stripWww(h.toLowerCase())
  return h.length <= 253 && HOST_CHARS.test(h) ? h : ''
}

/** The referrer's host and whether it came from an `http(s)` URL; `''` when there is none. */
function referrerHost(raw: string): { host: string; web: boolean } {
  const s = (raw.length > MAX_REFERRER_CHARS ? raw.slice(0, MAX_REFERRER_CHARS) : raw).trim()
  if (s === '') return { host: '', web: false }
  const m = SCHEME.exec(s)
  if (m !== null && /^https?$/i.test(m[1]!)) {
    try {
      const h = new URL(s).hostname // lower-case, punycode, no port; IPv6 in brackets
      if (h.length > 253) return { host: '', web: false }
      return { host: h.startsWith('[') ? h : stripWww(h), web: true }
    } catch {
      return { host: '', web: false }
    }
  }
  // Another scheme (android-app://com.google.android.gm/) or a bare `example.com/path`: up to / ? #.
  const rest = m !== null ? s.slice(m[0].length) : s.replace(/^\/+/, '')
  const end = rest.search(/[/?#\\]/)
  const span = end < 0 ? rest : rest.slice(0, end)
  if (m === null && span.includes('@')) return { host: '', web: false } // `mailto:a@b.c` is no host
  return { host: normaliseHost(span), web: m === null }
}

/** `blog.example.co.uk` → `example.co.uk`, `a.b.example.com` → `example.com`; IPs and short hosts as is. */
export function registrableIsh(host: string): string {
  if (host.startsWith('[') || IPV4.test(host)) return host
  const labels = host.split('.', 64)
  const n = labels.length
  if (n <= 2) return host
  let keep = 2
  if (labels[n - 1]!.length === 2 && SECOND_LEVEL.has(labels[n - 2]!)) keep = 3
  if (SHARED_HOSTING.has(`${labels[n - 2]}.${labels[n - 1]}`)) keep = 3
  return n <= keep ? host : labels.slice(n - keep).join('.')
}

/** A page host or site domain in the same form as referrer hosts. */
function normaliseSite(s: unknown): string {
  if (typeof s !== 'string' || s === '' || s.length > 300) return ''
  return stripWww(s.trim().toLowerCase())
}

/**
 * Classifies a referrer against the page it led to.
 *
 * - `''` (or a referrer without a usable host: `about:blank`, `file:///…`, garbage) → direct:
 *   `{ host: '', source: '', internal: false }`.
 * - Same site → `{ host: '', source: '', internal: true }`: the referrer host (ignoring `www.`) equals
 *   `pageHostname` or `siteDomain`, or is a subdomain of `siteDomain`. Internal navigation is not a
 *   source for attribution.
 * - Otherwise `host` is the referrer host and `source` the name from the source table
 *   (`src/enrich/sources.ts`: any `google.*` → Google, `t.co`/`x.com` → Twitter, …), else the
 *   registrable-ish host (`blog.example.co.uk` → `example.co.uk`; `alice.github.io` stays).
 *   App referrers (`android-app://com.google.android.gm`) keep the package name as the source.
 *
 * Referrers longer than {@link MAX_REFERRER_CHARS} are cut first. Never throws.
 */
export function classifyReferrer(referrer: string, pageHostname: string, siteDomain: string): ReferrerInfo {
  if (typeof referrer !== 'string' || referrer === '') return { ...DIRECT }
  const { host, web } = referrerHost(referrer)
  if (host === '') return { ...DIRECT }
  const page = normaliseSite(pageHostname)
  const site = normaliseSite(siteDomain)
  if (host === page || (site !== '' && (host === site || host.endsWith(`.${site}`)))) return { ...INTERNAL }
  const named = sourceForHost(host)
  return { host, source: named !== '' ? named : web ? registrableIsh(host) : host, internal: false }
}
