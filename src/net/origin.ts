/**
 * The shape of a serialised origin: `scheme://host[:port]` (RFC 6454 §6.2), or `null` for an opaque one
 * (a `file:` page, a sandboxed frame: RFC 6454 §7.1). Anything else — a path, a list, spaces or control
 * bytes, a host longer than any domain (253 characters) — comes from no browser. A pure function of a
 * string, so both the ingest validation (src/ingest/hitkeep-payload.ts: a HitKeep payload's page origin)
 * and the HTTP answers' CORS echo (src/http/origin.ts) use it.
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

/** Whether `origin` has the shape of a serialised origin (above). */
export function isPlausibleOrigin(origin: string): boolean {
  return origin === 'null' || (origin.length <= MAX_ORIGIN_LENGTH && ORIGIN.test(origin))
}
