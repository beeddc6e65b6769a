/**
 * Which `Origin` values the ingest routes echo into `Access-Control-Allow-Origin` (src/http/respond.ts). An
 * origin is `scheme://host[:port]` (RFC 6454 §6.2), or `null` for an opaque one (a `file:` page, a
 * sandboxed frame: RFC 6454 §7.1). Anything else — a path, a list, spaces or control bytes, a host
 * longer than any domain (253 characters) — comes from no browser, and echoing it only helps it harm:
 * an Origin of ~125 KiB echoed made an answer whose head clients refused ("Header overflow"). Such an
 * answer goes without CORS headers, so a browser does not expose it; the request is processed as
 * before (an Origin of no site is still an `unknown_site_origin` drop: src/http/ingest-route.ts).
 *
 * It runs on every browser ingest answer, 202s included, so the origin last accepted is remembered: the
 * usual run of requests from one site costs one string comparison (figures: {@link echoesOrigin}).
 * @module
 */

/** The longest host of a domain name (RFC 1035 §2.3.4, as written: 253 characters). */
export const MAX_HOST_LENGTH = 253
/** scheme (at most 32 characters; `chrome-extension` is 16) + `://` + host + `:65535`. */
export const MAX_ORIGIN_LENGTH = 32 + 3 + MAX_HOST_LENGTH + 6

/**
 * scheme (RFC 3986 §3.1) `://` host — a name or IPv4 address (letters, digits, `-`, `.`, and `_`, found in
 * real host names if not in DNS ones) or an IPv6 literal — and an optional port. No part can hold the
 * character that ends it, so a refusal backtracks at most once over the host.
 */
const ORIGIN = /^[a-z][a-z0-9+.-]{0,31}:\/\/(?:[a-z0-9_.-]{1,253}|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/i

/** Whether `origin` has the shape of a serialised origin (above), and so may be echoed. */
export function isPlausibleOrigin(origin: string): boolean {
  return origin === 'null' || (origin.length <= MAX_ORIGIN_LENGTH && ORIGIN.test(origin))
}

/** The origin {@link echoesOrigin} last accepted. */
let lastEchoed = 'null'

/**
 * Whether an answer echoes `origin`. Measured on top of making the header's string (~50 ns), in
 * bench/origin.bench.ts: +4–6 ns for the same origin as the answer before, +50–65 ns for another one (the
 * expression; a character scan of the same rule took +67–80 ns); one over the length is refused before it.
 */
export function echoesOrigin(origin: string): boolean {
  if (origin === lastEchoed) return true
  if (!isPlausibleOrigin(origin)) return false
  lastEchoed = origin
  return true
}
