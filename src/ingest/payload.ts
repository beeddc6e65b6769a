/**
 * The ingest payloads (`POST /ingest/event`, `POST /ingest`) and their validation.
 *
 * This is the hottest code on the HTTP thread, so — as STYLE.md asks of hot paths — it checks bounds by
 * hand instead of running a schema library (zod costs ~1.6 µs per event here against ~0.15 µs, measured
 * in bench/validation.bench.ts); zod validates the configuration and the REST API. It runs once, on the
 * HTTP thread (a failure becomes a 400 naming every offending field); the normalised payload it returns
 * is what the ring record carries to the drain worker (./record.ts), so what was accepted is what is
 * stored.
 *
 * | field          | rule                                                                     |
 * |----------------|--------------------------------------------------------------------------|
 * | `site_id`      | optional; a UUID                                                         |
 * | `name`         | events only; a string, trimmed, 1 to 120 characters                      |
 * | `url`          | an absolute http(s) URL of at most 2,000 bytes                           |
 * | `referrer`     | optional string or null; cut (not refused) beyond 2,000 bytes            |
 * | `props`        | optional object or null; ≤ 30 keys of ≤ 300 bytes; values string ≤ 2,000 bytes, number or boolean |
 * | `session_id`   | optional; a UUID (hk.js, per tab)                                        |
 * | `screen_width` | optional; a whole number from 0 to 100,000 (hk.js)                       |
 *
 * Unknown fields are ignored.
 * @module
 */
import type { FieldIssue } from '../http/errors.js'
import { Limits } from './limits.js'
import { utf8Length } from '../bytes/utf8.js'

/** A string of n UTF-16 units is n to 3n bytes of UTF-8: most checks need no counting. */
function withinBytes(s: string, limit: number): boolean {
  return s.length * 3 <= limit || (s.length <= limit && utf8Length(s) <= limit)
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
function isHttpUrl(url: string): boolean {
  return HTTP_URL.test(url) && (isPlainHttpUrl(url) || URL.canParse(url))
}

export const enum EventKind {
  Pageview = 0,
  Custom = 1,
}

export type PropValue = string | number | boolean

/** A validated, normalised ingest payload. */
export interface IngestPayload {
  kind: EventKind
  siteId: string | undefined
  /** Event name; `pageview` for pageviews. */
  name: string
  url: string
  referrer: string
  props: Record<string, PropValue> | null
  sessionId: string | undefined
  screenWidth: number | undefined
}

export type ValidationResult = { ok: true; value: IngestPayload } | { ok: false; fields: FieldIssue[] }

function cut(s: string, bytes: number): string {
  if (withinBytes(s, bytes)) return s
  let out = s.slice(0, bytes)
  while (utf8Length(out) > bytes) out = out.slice(0, -1)
  return out
}

function checkProps(value: unknown, issues: FieldIssue[]): Record<string, PropValue> | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'object' || Array.isArray(value)) {
    issues.push({ field: 'props', message: 'must be an object of string, number or boolean values' })
    return null
  }
  const props = value as Record<string, unknown>
  let keys = 0
  for (const key in props) {
    keys++
    const v = props[key]
    if (!withinBytes(key, Limits.propKeyBytes)) issues.push({ field: `props.${key}`, message: `key is over ${Limits.propKeyBytes} bytes` })
    if (typeof v === 'string') {
      if (!withinBytes(v, Limits.propValueBytes)) issues.push({ field: `props.${key}`, message: `value is over ${Limits.propValueBytes} bytes` })
    } else if (typeof v !== 'number' && typeof v !== 'boolean') {
      issues.push({ field: `props.${key}`, message: 'must be a string, a number or a boolean' })
    }
  }
  if (keys > Limits.propsKeys) issues.unshift({ field: 'props', message: `must have at most ${Limits.propsKeys} keys (has ${keys})` })
  return keys === 0 ? null : (props as Record<string, PropValue>)
}

function optionalUuid(value: unknown, field: string, what: string, issues: FieldIssue[]): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string' && UUID.test(value)) return value
  issues.push({ field, message: `must be ${what} (a UUID)` })
  return undefined
}

/** Validates an already-parsed JSON body. `kind` chooses the rules (events need a `name`). */
export function validatePayload(kind: EventKind, body: unknown): ValidationResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, fields: [{ field: '(body)', message: 'must be a JSON object' }] }
  }
  const b = body as Record<string, unknown>
  const issues: FieldIssue[] = []
  const siteId = optionalUuid(b.site_id, 'site_id', 'a site id', issues)

  const url = b.url
  if (typeof url !== 'string') issues.push({ field: 'url', message: 'is required and must be a string' })
  else if (!withinBytes(url, Limits.urlBytes)) issues.push({ field: 'url', message: `must be at most ${Limits.urlBytes} bytes` })
  else if (!isHttpUrl(url)) issues.push({ field: 'url', message: 'must be an absolute http or https URL' })

  const referrer = b.referrer
  if (referrer !== undefined && referrer !== null && typeof referrer !== 'string') issues.push({ field: 'referrer', message: 'must be a string' })
  const props = checkProps(b.props, issues)
  const sessionId = optionalUuid(b.session_id, 'session_id', 'a session id', issues)
  const sw = b.screen_width
  if (sw !== undefined && sw !== null && !(Number.isInteger(sw) && (sw as number) >= 0 && (sw as number) <= 100_000)) {
    issues.push({ field: 'screen_width', message: 'must be a whole number from 0 to 100000' })
  }

  let name = 'pageview'
  if (kind === EventKind.Custom) {
    if (typeof b.name !== 'string') issues.push({ field: 'name', message: 'is required and must be a string' })
    else {
      name = b.name.trim()
      if (name.length === 0) issues.push({ field: 'name', message: 'must not be empty' })
      else if (name.length > Limits.nameChars) issues.push({ field: 'name', message: `must be at most ${Limits.nameChars} characters` })
    }
  }
  if (issues.length > 0) return { ok: false, fields: issues }
  return {
    ok: true,
    value: {
      kind,
      siteId,
      name,
      url: url as string,
      referrer: typeof referrer === 'string' ? cut(referrer, Limits.referrerBytes) : '',
      props,
      sessionId,
      screenWidth: typeof sw === 'number' ? sw : undefined,
    },
  }
}

/** `validatePayload` for bodies known to be valid (tests, benches, fixtures): the payload, or a throw. */
export function validPayload(kind: EventKind, body: unknown): IngestPayload {
  const checked = validatePayload(kind, body)
  if (!checked.ok) throw new Error(`invalid ingest body: ${JSON.stringify(checked.fields)}`)
  return checked.value
}
