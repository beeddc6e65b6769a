/**
 * URL work, pure: where to send, what page to report, which link clicks are outbound or downloads.
 * @module
 */
import type { Attr } from './dom.js'

/** Ingest refuses URLs over 2,000 bytes; a serialised URL is ASCII, so characters are bytes. */
export const MAX_URL = 2000

/**
 * The ingest endpoints, relative to the script's own directory, so hitring also works under a path
 * prefix: `https://a.example/stats/hk.js` → `https://a.example/stats/ingest` and `…/stats/ingest/event`.
 */
export const pageviewEndpoint = (scriptSrc: string): string => new URL('ingest', scriptSrc).href

/**
 * The page as reported: never the fragment (it can hold tokens, `#access_token=…`). With hash routing
 * the route is folded into the path, because the engine keeps paths, not fragments:
 * `https://a.example/app/#/users/5?tab=2` → `https://a.example/app/users/5` (the route's own query is
 * dropped; the page's query, where UTM tags live, is kept).
 */
export function pageUrl(href: string, hash: boolean): URL {
  const u = new URL(href)
  if (hash) {
    const route = u.hash.replace(/^#!?\/?/, '').split('?')[0]
    if (route) u.pathname = u.pathname.replace(/\/?$/, '/') + route
  }
  u.hash = ''
  return u
}

/** Common file extensions counted as downloads (besides any link with a `download` attribute). */
export const FILE_EXT = /\.(7z|apk|csv|dmg|docx?|exe|gz|iso|mp[34]|msi|pdf|pkg|pptx?|rar|txt|xlsx?|zip)$/i

const bare = (host: string) => host.replace(/^www\./, '')

/**
 * What a click on a link means: `file_download`, `outbound_click` or null. `link` is the `<a>`/`<area>`
 * element itself (its URL parts are already resolved) or a `URL`. A download wins over outbound (a PDF on
 * a CDN is a download). Only http(s) links count (not mailto:, tel:, javascript:). The caller reports
 * `origin + pathname`: no query, no fragment.
 */
export function classifyLink(
  link: { protocol: string; hostname: string; pathname: string; origin: string },
  pageHost: string,
  download: boolean,
  downloads: boolean,
  outbound: boolean,
): 'file_download' | 'outbound_click' | null {
  if (!/^https?:$/.test(link.protocol)) return null
  if (downloads && (download || FILE_EXT.test(link.pathname))) return 'file_download'
  if (outbound && bare(link.hostname) !== bare(pageHost)) return 'outbound_click'
  return null
}

/** `data-hk-prop-plan="pro"` → `{ plan: 'pro' }` (attribute names are lower-case in HTML). */
export function propsOf(attributes: Iterable<Attr>): Record<string, string> {
  const props: Record<string, string> = {}
  for (const { name, value } of attributes) if (name.startsWith('data-hk-prop-')) props[name.slice(13)] = value
  return props
}

/** A form's action path: its `action` attribute resolved against the page (the page itself when none). */
export const actionPath = (action: string | null, page: string): string => new URL(action || '', page).pathname
