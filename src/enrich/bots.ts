/**
 * Bot and prefetch checks, cheap enough for the HTTP thread, plus the bounded cache the enrichment
 * helpers share. Pure functions: no I/O, never throw, bounded work on any input.
 * @module
 */
import { isbot } from 'isbot'

/**
 * A `Map` with a size cap and approximate LRU eviction. A hit on an entry inserted more than half the
 * capacity ago re-inserts it (one delete + set), so hot keys stay while a hit on a fresh entry costs a
 * single `Map.get`; when full, the oldest entry in insertion order goes. Keys are whatever the caller
 * passes: cut attacker-controlled strings before using them as keys (memory ≈ capacity × key length).
 */
export class BoundedCache<V> {
  readonly #map = new Map<string, { v: V; t: number }>()
  readonly #refreshAfter: number
  #tick = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`)
    this.#refreshAfter = Math.max(1, capacity >> 1)
  }

  get size(): number {
    return this.#map.size
  }

  get(key: string): V | undefined {
    const e = this.#map.get(key)
    if (e === undefined) return undefined
    if (this.#tick - e.t > this.#refreshAfter) {
      this.#map.delete(key)
      e.t = ++this.#tick
      this.#map.set(key, e)
    }
    return e.v
  }

  /** The cached value of `key`, computing and caching it on a miss. */
  getOrCompute(key: string, compute: (key: string) => V): V {
    const hit = this.get(key)
    if (hit !== undefined) return hit
    const v = compute(key)
    this.set(key, v)
    return v
  }

  set(key: string, v: V): void {
    const old = this.#map.get(key)
    if (old !== undefined) this.#map.delete(key)
    else if (this.#map.size >= this.capacity) {
      const oldest = this.#map.keys().next()
      if (!oldest.done) this.#map.delete(oldest.value)
    }
    this.#map.set(key, { v, t: ++this.#tick })
  }

  clear(): void {
    this.#map.clear()
  }
}

/** Only this many leading UTF-16 units of a User-Agent are examined (and used as cache keys). A marker
 *  hidden after 1 KiB of padding goes unseen, but a bot that wants to hide can simply send a browser UA. */
export const MAX_UA_CHARS = 1024

/** Automation that isbot may not name (Electron drives Nightmare and many scrapers; Cypress runs tests),
 *  and the two classic headless browsers, matched here too so the rule does not hang on isbot's list. */
const HEADLESS = /HeadlessChrome|PhantomJS|SlimerJS|Electron\/|Cypress\//i

/**
 * Whether a User-Agent is a bot, crawler, headless browser or automation — or empty.
 *
 * isbot's list (crawlers, monitors, link previewers, HTTP libraries) plus `HeadlessChrome`, `PhantomJS`,
 * `SlimerJS`, `Electron/` and `Cypress/`; an empty or blank UA is a bot too. Only the first
 * {@link MAX_UA_CHARS} characters are examined. Never throws (a non-string counts as empty).
 *
 * **Product rule — the caller decides when to apply this.** It is meant for BROWSER traffic (requests
 * with an `Origin` header, i.e. sent by hk.js or a page). Backend events sent without `Origin` by a
 * server-side integration carry library UAs such as `curl/8.5.0`, `python-requests/2.31` or `node`:
 * this function answers `true` for those (isbot lists them), yet they are NOT bots for hitring and
 * must not be dropped — so do not call it for requests without `Origin`.
 *
 * Electron desktop apps that embed a tracked page are counted as automation as well.
 */
export function isBotUserAgent(ua: string): boolean {
  if (typeof ua !== 'string') return true
  const s = ua.length > MAX_UA_CHARS ? ua.slice(0, MAX_UA_CHARS) : ua
  if (s.trim() === '') return true
  return HEADLESS.test(s) || isbot(s)
}

/** The markers of {@link HEADLESS}, as they stand in a UA, to take out: `HeadlessChrome/1` → `Chrome/1`. */
const HEADLESS_MARKERS = /Headless(?=Chrome)|(?:PhantomJS|SlimerJS|Electron|Cypress)\/\S*/gi

/**
 * {@link isBotUserAgent} without its headless rule: the UA with its headless and automation markers
 * taken out, then isbot — so `HeadlessChrome` (which isbot lists too), Electron and Cypress pass, and a
 * crawler (`Googlebot`, `curl`) or an empty UA does not.
 *
 * For hk.js's requests marked `webdriver: true` (sent with `data-allow-webdriver="true"`: a site owner's
 * end-to-end tests). A crawler that sets the field gains nothing it could not get by sending a desktop
 * browser's UA, which passes every UA rule anyway; every other drop rule still applies to it.
 */
export function isBotUserAgentIgnoringHeadless(ua: string): boolean {
  if (typeof ua !== 'string') return true
  const s = ua.length > MAX_UA_CHARS ? ua.slice(0, MAX_UA_CHARS) : ua
  if (s.trim() === '') return true
  return isbot(s.replace(HEADLESS_MARKERS, ''))
}

const botCache = new BoundedCache<boolean>(5_000)

/**
 * {@link isBotUserAgent} behind a bounded cache (5,000 UAs; keys cut to {@link MAX_UA_CHARS}), for the
 * HTTP thread where UAs repeat heavily. Same answers, same product rule: see {@link isBotUserAgent}.
 */
export function isBotUserAgentCached(ua: string): boolean {
  if (typeof ua !== 'string') return true
  return botCache.getOrCompute(ua.length > MAX_UA_CHARS ? ua.slice(0, MAX_UA_CHARS) : ua, isBotUserAgent)
}

/** Headers longer than this are not prefetch markers (bounds the work on a hostile header). */
const MAX_PURPOSE_CHARS = 256

/** Whether a comma-separated header list has an item whose first token (before `;`) is `prefetch`. */
function listHasPrefetch(v: unknown): boolean {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_PURPOSE_CHARS) return false
  for (const item of v.split(',')) {
    const semi = item.indexOf(';')
    if ((semi < 0 ? item : item.slice(0, semi)).trim().toLowerCase() === 'prefetch') return true
  }
  return false
}

/**
 * Whether the request is a speculative prefetch/prerender rather than a visit: `Sec-Purpose: prefetch`
 * (also `prefetch;prerender`, `prefetch;anonymous-client-ip`), the older `Purpose: prefetch`, or
 * Firefox's `X-Moz: prefetch`. Pass `''` for an absent header. Case-insensitive; never throws.
 */
export function isPrefetch(secPurpose: string, purpose: string, xMoz: string): boolean {
  return listHasPrefetch(secPurpose) || listHasPrefetch(purpose) || listHasPrefetch(xMoz)
}
