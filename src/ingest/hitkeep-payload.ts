/**
 * HitKeep's tracker payloads, accepted on `POST /ingest` and `POST /ingest/event` beside hitring's own,
 * so a site that still serves HitKeep's hk.js (a cached copy, a self-hosted one, a CMS plugin) keeps
 * being counted. HitKeep 2.8.1's wire format (its tracker's source, github.com/PascaleBeier/hitkeep; the
 * pages in test/fixtures/hitkeep/ send it as that tracker does):
 *
 *   pageview  {path, referrer, ua, vp_w, vp_h, sc_w, sc_h, lang, u_src, u_med, u_cmp, u_trm, u_cnt, qr,
 *              unique, session_id, page_id, tsrc, tv}
 *   event     {n, p, r, sid, tsrc, tv}
 *
 * No site id and no page URL: the site is the `Origin`'s, as for a hitring body without `site_id`, and
 * the page URL is rebuilt from the `Origin` and `path`. Recognised by its keys, and only when a body has
 * no `url` — which hitring's own format requires — so our format pays nothing for it (./payload.ts).
 *
 * | HitKeep field | becomes | rule |
 * |---|---|---|
 * | `path` | the page URL: `Origin` + `path` | pageviews; `/…` (query kept, fragment dropped); URL ≤ 2,000 bytes |
 * | `u_src` … `u_cnt` | `utm_source` … `utm_content` of that URL | string or null, trimmed, cut to 300 characters¹ |
 * | `referrer` / `r` | the referrer | string or null, cut beyond 2,000 bytes |
 * | `sc_w` | the screen width (its class is stored) | whole number 0–100,000 or null |
 * | `vp_w`, `vp_h`, `sc_h` | checked, not stored | whole number 0–100,000 or null |
 * | `lang` | the language (primary subtag stored, as `language`) | string or null, ≤ 35 letters, digits, `-`, `_` |
 * | `session_id` / `sid` | the session id | UUID or null; the nil UUID counts as none |
 * | `n` | the event name | events; string, trimmed, 1–120 characters |
 * | `p` | the props | hitring's props rules, named `p.<key>` |
 * | `ua` | ignored: the User-Agent header is used | |
 * | `qr`, `unique`, `page_id`, `tsrc`, `tv` | ignored | |
 *
 * ¹ The tag already in `path`'s query wins: the page's own URL is the better witness (HitKeep's tracker
 * never sends one).
 *
 * HitKeep's quirks fixed, not copied: a missing (or nil) session id does not put every such hit in one
 * shared session — hitring then groups by its daily-salted visitor hash, as for any body without one; an
 * empty or missing event name is refused, not stored as `""`; a non-UUID `qr` does not refuse the
 * pageview. The body's `ua` is not believed: HitKeep stores it instead of the header, but a page script
 * writes the body, so it could pick its own bot verdict and visitor hash; a real browser's header is the
 * same string its tracker copies from navigator.userAgent anyway. HitKeep's events carry no page, so
 * they are stored at the site's root, `Origin` + `/`.
 * @module
 */
import type { FieldIssue } from '../errors/index.js'
import { isPlausibleOrigin } from '../net/origin.js'
import { Limits, LANGUAGE_TAG, type IngestPayload } from '../event/index.js'
import { cutChars, MAX_VALUE_CHARS } from '../enrich/url.js'
import { checkProps, cut, isHttpUrl, LANGUAGE_MESSAGE, optionalUuid, withinBytes } from './field-checks.js'

/** What a HitKeep body gives of hitring's normalised payload (./payload.ts adds the kind, site and webdriver flag). */
export type HitKeepFields = Pick<
  IngestPayload,
  'name' | 'url' | 'referrer' | 'props' | 'sessionId' | 'screenWidth' | 'language'
>

/** The characters a query value keeps as they are (RFC 3986 §2.3). */
const UNRESERVED = /^[\w.~-]*$/
/**
 * HitKeep stores a missing session id as the nil UUID (its Go decoder's zero value), so a client may send it for none.
 */
const NIL_UUID = '00000000-0000-0000-0000-000000000000'

/**
 * Whether a body without `url` is HitKeep's: a pageview has `path`; an event has any of `n`, `p`, `r`,
 * `sid` (so `hk.event()` without a name, which sends no `n`, is still answered in HitKeep's terms).
 */
export function isHitKeepPayload(isEvent: boolean, b: Record<string, unknown>): boolean {
  return isEvent
    ? b.n !== undefined || b.p !== undefined || b.r !== undefined || b.sid !== undefined
    : b.path !== undefined
}

/** The page's origin, `scheme://host[:port]` of an http(s) page, or an issue. */
function pageOrigin(origin: string, issues: FieldIssue[]): string | null {
  if (origin === '')
    issues.push({
      field: 'Origin',
      message: "is required: HitKeep's tracker payloads take the site and the page URL from the Origin header",
    })
  // Shaped like an origin (src/net/origin.ts) and parsed as a URL, so a URL that fails later is the path's fault.
  else if (!isPlausibleOrigin(origin) || !isHttpUrl(origin))
    issues.push({ field: 'Origin', message: 'must be the origin of an http or https page' })
  else return origin
  return null
}

/** `&<param>=<value>` for a HitKeep u_* field, or '' when absent, empty or already in the page's own query. */
function utmTag(v: unknown, field: string, param: string, own: string, issues: FieldIssue[]): string {
  if (v === undefined || v === null) return ''
  if (typeof v !== 'string') {
    issues.push({ field, message: 'must be a string' })
    return ''
  }
  // Cut as the engine would (it keeps 300 characters), so the URL stays short.
  const value = cutChars(v.trim(), MAX_VALUE_CHARS)
  if (value === '' || own.includes(`&${param}=`)) return ''
  // Most tags need no escaping (letters, digits, - _ . ~), and encodeURIComponent is the costly step.
  if (UNRESERVED.test(value)) return `&${param}=${value}`
  try {
    return `&${param}=${encodeURIComponent(value)}`
  } catch {
    // URIError: a lone surrogate (JSON can carry one; no browser's URL does).
    issues.push({ field, message: 'must be well-formed text' })
    return ''
  }
}

/** `Origin` + `path` (no fragment), with the u_* fields as the UTM tags its query lacks; '' without an origin. */
function pageUrl(origin: string | null, b: Record<string, unknown>, issues: FieldIssue[]): string {
  const path = b.path
  if (typeof path !== 'string' || path.charCodeAt(0) !== 47) {
    issues.push({ field: 'path', message: 'is required and must be a string starting with /' })
    return ''
  }
  const hash = path.indexOf('#')
  const page = hash < 0 ? path : path.slice(0, hash)
  const queryAt = page.indexOf('?')
  // '&' + the page's own query, to find its tags; the engine reads the first of repeated parameters, so
  // the page's tag would win anyway: not appending one only keeps the URL tidy.
  const own = queryAt < 0 ? '' : `&${page.slice(queryAt + 1)}`
  // Five named reads, not `b[name]` in a loop over the names (a keyed load per name: ~60 ns more).
  const tags =
    utmTag(b.u_src, 'u_src', 'utm_source', own, issues) +
    utmTag(b.u_med, 'u_med', 'utm_medium', own, issues) +
    utmTag(b.u_cmp, 'u_cmp', 'utm_campaign', own, issues) +
    utmTag(b.u_trm, 'u_trm', 'utm_term', own, issues) +
    utmTag(b.u_cnt, 'u_cnt', 'utm_content', own, issues)
  if (origin === null) return ''
  const url =
    tags === ''
      ? origin + page
      : origin + page + (queryAt < 0 ? `?${tags.slice(1)}` : page.length === queryAt + 1 ? tags.slice(1) : tags)
  if (!withinBytes(url, Limits.urlBytes))
    issues.push({
      field: 'path',
      message: `makes a page URL (Origin, path and u_* tags) of more than ${Limits.urlBytes} bytes`,
    })
  else if (!isHttpUrl(url)) issues.push({ field: 'path', message: 'does not make a valid URL with the Origin' })
  return url
}

/** An absent or null whole number is undefined; anything else must be one from 0 to 100,000 (screen sizes). */
function optionalPixels(value: unknown, field: string, issues: FieldIssue[]): number | undefined {
  if (value === undefined || value === null) return undefined
  if (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100_000) return value as number
  issues.push({ field, message: 'must be a whole number from 0 to 100000' })
  return undefined
}

/** A referrer: absent or null is `''`; a string is cut (not refused) beyond 2,000 bytes. */
function optionalReferrer(value: unknown, field: string, issues: FieldIssue[]): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return cut(value, Limits.referrerBytes)
  issues.push({ field, message: 'must be a string' })
  return ''
}

/** An event name: a string, trimmed, 1 to 120 characters. */
function eventName(value: unknown, field: string, issues: FieldIssue[]): string {
  if (typeof value !== 'string') {
    issues.push({ field, message: 'is required and must be a string' })
    return ''
  }
  const name = value.trim()
  if (name.length === 0) issues.push({ field, message: 'must not be empty' })
  else if (name.length > Limits.nameChars)
    issues.push({ field, message: `must be at most ${Limits.nameChars} characters` })
  return name
}

/** A session id, the nil UUID being none. */
function sessionOf(value: unknown, field: string, issues: FieldIssue[]): string | undefined {
  const id = optionalUuid(value, field, 'a session id', issues)
  return id === NIL_UUID ? undefined : id
}

/**
 * Reads a HitKeep body (one {@link isHitKeepPayload} recognised) into hitring's fields, pushing every
 * offending field, under HitKeep's names, onto `issues`. `origin` is the request's `Origin` ('' when none).
 */
export function readHitKeepPayload(
  isEvent: boolean,
  b: Record<string, unknown>,
  origin: string,
  issues: FieldIssue[],
): HitKeepFields {
  const site = pageOrigin(origin, issues)
  if (isEvent) {
    return {
      name: eventName(b.n, 'n', issues),
      url: site === null ? '' : `${site}/`,
      referrer: optionalReferrer(b.r, 'r', issues),
      props: checkProps(b.p, issues, 'p'),
      sessionId: sessionOf(b.sid, 'sid', issues),
      screenWidth: undefined,
      language: undefined,
    }
  }
  const url = pageUrl(site, b, issues)
  optionalPixels(b.vp_w, 'vp_w', issues)
  optionalPixels(b.vp_h, 'vp_h', issues)
  optionalPixels(b.sc_h, 'sc_h', issues)
  const lang = b.lang
  const language = typeof lang === 'string' && LANGUAGE_TAG.test(lang) ? lang : undefined
  if (lang !== undefined && lang !== null && language === undefined) {
    issues.push({ field: 'lang', message: LANGUAGE_MESSAGE })
  }
  return {
    name: 'pageview',
    url,
    referrer: optionalReferrer(b.referrer, 'referrer', issues),
    props: null,
    sessionId: sessionOf(b.session_id, 'session_id', issues),
    screenWidth: optionalPixels(b.sc_w, 'sc_w', issues),
    language: language || undefined,
  }
}
