/**
 * Server-side events and pageviews (HitKeep's server API, `POST /api/ingest/server/{pageview,event}`,
 * and each item of `POST /api/ingest/batch`). A backend sends the real visitor's IP and User-Agent, and
 * the time the event happened; the page URL's host selects the site.
 *
 * | field        | rule                                                                        |
 * |--------------|-----------------------------------------------------------------------------|
 * | `url`        | absolute http(s), ≤ 2,000 bytes; its host (lower-case, no `www.`) is the site |
 * | `timestamp`  | RFC 3339; at most 5 minutes in the future, not older than the back-fill window |
 * | `visitor_ip` | a valid IPv4 or IPv6 address (used for the visitor hash and exclusions)      |
 * | `user_agent` | required, non-empty                                                          |
 * | `referrer`   | optional string                                                              |
 * | `name`       | events only: as on `/ingest/event`                                           |
 * | `props`      | events only (also accepted as HitKeep's `properties`): as on `/ingest/event` |
 * | `session_id` | optional UUID                                                                |
 * | `language`   | optional language tag: as on `/ingest` (the request's Accept-Language is the backend's, not read) |
 * | `dnt`        | optional boolean: true → accepted and not stored                             |
 * | `id`         | optional idempotency key (batch), 1–128 bytes                                |
 *
 * The fields, their limits and their OpenAPI descriptions are listed once, in src/event/fields.ts.
 * Once checked, an item is the same validated payload as a browser event's (plus its time, visitor
 * and idempotency key), so server events go through exactly the same ring record and storage path.
 * @module
 */
import type { FieldIssue } from '../errors/index.js'
import { parseIp } from '../net/ip.js'
import { type EventKind, validatePayload, type IngestPayload } from './payload.js'
import { utf8Length } from '../bytes/utf8.js'
import { Limits } from '../event/limits.js'
import { RFC3339 } from '../event/fields.js'

const MAX_FUTURE_MS = Limits.futureMs
const IDEMPOTENCY_KEY_BYTES = Limits.idempotencyKeyBytes

export interface ServerItem {
  payload: IngestPayload
  timestamp: number
  ip: Uint8Array
  userAgent: string
  dnt: boolean
  /** Idempotency key, when given. */
  id: string | undefined
}

export type ServerItemResult = { ok: true; item: ServerItem } | { ok: false; fields: FieldIssue[] }

/** Validates one server event (`kind` Custom) or pageview at time `now`, with a back-fill window in ms. */
export function validateServerItem(kind: EventKind, raw: unknown, now: number, backfillMs: number): ServerItemResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, fields: [{ field: '(item)', message: 'must be a JSON object' }] }
  }
  const r = raw as Record<string, unknown>
  const issues: FieldIssue[] = []

  let timestamp = NaN
  if (typeof r.timestamp !== 'string' || !RFC3339.test(r.timestamp)) {
    issues.push({ field: 'timestamp', message: 'must be an RFC 3339 date-time, such as 2026-11-26T08:00:00Z' })
  } else {
    timestamp = Date.parse(r.timestamp.replace(' ', 'T'))
    if (!Number.isFinite(timestamp)) issues.push({ field: 'timestamp', message: 'is not a valid date-time' })
    else if (timestamp > now + MAX_FUTURE_MS)
      issues.push({ field: 'timestamp', message: 'is more than 5 minutes in the future' })
    else if (timestamp < now - backfillMs) {
      issues.push({
        field: 'timestamp',
        message: `is older than the back-fill window (${Math.round(backfillMs / 3_600_000)} h)`,
      })
    }
  }
  const ip = typeof r.visitor_ip === 'string' ? parseIp(r.visitor_ip.trim()) : null
  if (!ip) issues.push({ field: 'visitor_ip', message: 'must be a valid IPv4 or IPv6 address' })
  const userAgent = typeof r.user_agent === 'string' ? r.user_agent.trim() : ''
  if (userAgent === '') issues.push({ field: 'user_agent', message: 'is required' })
  if (r.dnt !== undefined && r.dnt !== null && typeof r.dnt !== 'boolean')
    issues.push({ field: 'dnt', message: 'must be true or false' })
  let id: string | undefined
  if (r.id !== undefined && r.id !== null) {
    if (typeof r.id !== 'string' || r.id.length === 0 || utf8Length(r.id) > IDEMPOTENCY_KEY_BYTES) {
      issues.push({ field: 'id', message: `must be a string of 1 to ${IDEMPOTENCY_KEY_BYTES} bytes` })
    } else id = r.id
  }

  const browserShape = {
    url: r.url,
    referrer: r.referrer,
    name: r.name,
    props: r.props ?? r.properties,
    session_id: r.session_id,
    language: r.language,
  }
  const checked = validatePayload(kind, browserShape)
  if (!checked.ok) issues.push(...checked.fields)
  if (issues.length > 0 || !checked.ok) return { ok: false, fields: issues }

  return { ok: true, item: { payload: checked.value, timestamp, ip: ip!, userAgent, dnt: r.dnt === true, id } }
}
