/**
 * The field checks both browser payload formats share — hitring's own (./payload.ts) and HitKeep's
 * tracker's (./hitkeep-payload.ts): byte bounds, UUIDs, absolute http(s) URLs, flat props. Hand-written
 * bounds checks for the HTTP thread (see ./payload.ts for why no schema library).
 * @module
 */
import type { FieldIssue } from '../errors/index.js'
import { Limits, type PropValue } from '../event/index.js'
import { utf8Length } from '../bytes/utf8.js'

export type { PropValue }

/** A string of n UTF-16 units is n to 3n bytes of UTF-8: most checks need no counting. */
export function withinBytes(s: string, limit: number): boolean {
  return s.length * 3 <= limit || (s.length <= limit && utf8Length(s) <= limit)
}

/** `s` cut to at most `bytes` bytes of UTF-8. */
export function cut(s: string, bytes: number): string {
  if (withinBytes(s, bytes)) return s
  let out = s.slice(0, bytes)
  while (utf8Length(out) > bytes) out = out.slice(0, -1)
  return out
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const HTTP_URL = /^https?:\/\//i

/** `a-z`, `0-9` and `-`: the characters of a host label that the URL parser takes as they are. */
function isPlainHostChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45
}

/**
 * True when `url` (which matches HTTP_URL) certainly parses: its host is dot-separated non-empty labels
 * of a-z, 0-9 and `-`, none starting `xn--`, the last not starting with a digit, then the end or
 * `/`, `?`, `#`. The WHATWG URL parser (https://url.spec.whatwg.org/#host-parsing) fails such a host
 * in none of its steps (no percent-decoding, IDNA leaves these labels as they are, no forbidden code
 * point, the last label is not a number for the IPv4 parser), and a special URL's path, query and
 * fragment never fail. False means "ask URL.canParse" (2-3 % of the HTTP thread in the e2e profile),
 * not "invalid".
 */
export function isPlainHttpUrl(url: string): boolean {
  const hostAt = url.charCodeAt(4) === 58 ? 7 : 8 // "http://" or "https://", any case
  let labelAt = hostAt
  let i = hostAt
  for (; i < url.length; i++) {
    const c = url.charCodeAt(i)
    if (c === 47 || c === 63 || c === 35) break // / ? #
    if (c === 46) {
      if (i === labelAt || url.startsWith('xn--', labelAt)) return false
      labelAt = i + 1
    } else if (!isPlainHostChar(c)) return false
  }
  if (i === labelAt || url.startsWith('xn--', labelAt)) return false
  const first = url.charCodeAt(labelAt)
  return !(first >= 48 && first <= 57)
}

/** An absolute http(s) URL, as URL.canParse decides. */
export function isHttpUrl(url: string): boolean {
  return HTTP_URL.test(url) && (isPlainHttpUrl(url) || URL.canParse(url))
}

/**
 * Flat props (`field` names them in issues: `props` for hitring's format, `p` for HitKeep's): null or
 * an object of at most 30 keys of ≤ 300 bytes, each value a string of ≤ 2,000 bytes, a number or a
 * boolean. Null for none.
 */
export function checkProps(value: unknown, issues: FieldIssue[], field: string): Record<string, PropValue> | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'object' || Array.isArray(value)) {
    issues.push({ field, message: 'must be an object of string, number or boolean values' })
    return null
  }
  const props = value as Record<string, unknown>
  let keys = 0
  for (const key in props) {
    keys++
    const v = props[key]
    if (!withinBytes(key, Limits.propKeyBytes))
      issues.push({ field: `${field}.${key}`, message: `key is over ${Limits.propKeyBytes} bytes` })
    if (typeof v === 'string') {
      if (!withinBytes(v, Limits.propValueBytes))
        issues.push({ field: `${field}.${key}`, message: `value is over ${Limits.propValueBytes} bytes` })
    } else if (typeof v !== 'number' && typeof v !== 'boolean') {
      issues.push({ field: `${field}.${key}`, message: 'must be a string, a number or a boolean' })
    }
  }
  if (keys > Limits.propsKeys)
    issues.unshift({ field, message: `must have at most ${Limits.propsKeys} keys (has ${keys})` })
  return keys === 0 ? null : (props as Record<string, PropValue>)
}

/** The message of a refused language tag, in both payload formats (HitKeep's field is `lang`). */
export const LANGUAGE_MESSAGE = 'must be a language tag such as en-US (at most 35 letters, digits, - or _)'

/** An absent or null UUID field is undefined; anything else must be a UUID. */
export function optionalUuid(value: unknown, field: string, what: string, issues: FieldIssue[]): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string' && UUID.test(value)) return value
  issues.push({ field, message: `must be ${what} (a UUID)` })
  return undefined
}
