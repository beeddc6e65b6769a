/**
 * Event enrichment: the pure functions the drain workers apply to each accepted event (page URL split,
 * referrer source, browser/OS/device, referrer spam) and the cheap checks the HTTP thread runs before
 * accepting one (bot UA, prefetch). Nothing here does I/O on import; the referrer-spam list is read once,
 * on first use. Every function is total over attacker-controlled strings: it never throws and caps its
 * work on pathological input.
 *
 * - {@link parsePageUrl}: hostname, path, UTM tags, tagged source (`utm_source` > `source` > `ref`).
 * - {@link classifyReferrer}: referrer host, source name (`Google`, `Hacker News`, …), internal or not.
 * - {@link classifyUserAgent} / {@link screenClass}: browser, OS, device class; screen class.
 * - {@link isBotUserAgent} / {@link isBotUserAgentCached}: bots and automation — for browser traffic
 *   only (requests with `Origin`); server-side events with `curl`/library UAs are not bots.
 * - {@link isBotUserAgentIgnoringHeadless}: the same without the headless rule, for hk.js's marked
 *   automated browsers (`data-allow-webdriver`).
 * - {@link isPrefetch}: `Sec-Purpose` / `Purpose` / `X-Moz` prefetch requests.
 * - {@link isSpamReferrer} / {@link SpamList}: referrer-spam hosts (`src/enrich/data/referrer-spam.txt`).
 * @module
 */
export { cutChars, MAX_PATH_CHARS, MAX_URL_CHARS, MAX_VALUE_CHARS, parsePageUrl, stripWww } from './url.js'
export type { PageUrl, Utm } from './url.js'
export { classifyReferrer, MAX_REFERRER_CHARS, registrableIsh } from './referrer.js'
export type { ReferrerInfo } from './referrer.js'
export { SOURCE_TABLE, sourceForHost } from './sources.js'
export { classifyUserAgent, classifyUserAgentUncached, screenClass, UA_CACHE_SIZE } from './user-agent.js'
export type { DeviceClass, ScreenClass, UserAgentInfo } from './user-agent.js'
export {
  BoundedCache,
  isBotUserAgent,
  isBotUserAgentCached,
  isBotUserAgentIgnoringHeadless,
  isPrefetch,
  MAX_UA_CHARS,
} from './bots.js'
export { defaultSpamList, defaultSpamListPath, isSpamReferrer, SPAM_LIST_RELATIVE_PATH, SpamList } from './spam.js'
