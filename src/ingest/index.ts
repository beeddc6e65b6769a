/**
 * Ingest: what the HTTP thread accepts and how it travels to the drain. A request's payload is
 * validated by hand (./payload.ts for hk.js and HitKeep's trackers, ./server-payload.ts for server-side
 * batches; limits in src/event/limits.ts), then written into a ring lane as one binary record
 * (src/event/record.ts): an event, or — for an event dropped by a filter (bot, Do-Not-Track, excluded
 * IP…, src/event/drops.ts) — a drop record that only counts. Server items carry idempotency keys (./idempotency.ts).
 * The drain worker decodes the same records (src/drain/decode.ts).
 *
 * @example
 * ```ts
 * import { createRing, RingWriter } from './ring/index.js'
 * import { enqueueEvent, EventKind, validatePayload } from './ingest/index.js'
 *
 * const ring = new RingWriter(createRing(1 << 20))
 * const checked = validatePayload(EventKind.Pageview, { url: 'https://example.com/pricing', referrer: null })
 * if (!checked.ok) throw new Error(JSON.stringify(checked.fields)) // → 400 with every offending field
 * const end = enqueueEvent(ring, {
 *   receivedAt: Date.now(), siteNum: 1, kind: EventKind.Pageview,
 *   ip: Uint8Array.of(192, 0, 2, 1), userAgent: 'Mozilla/5.0 …', payload: checked.value,
 * })
 * if (end < 0) {
 *   // the lane's ring is full: answer 503 with Retry-After
 * }
 * ```
 * @module
 */
export { EventKind, validatePayload, type IngestPayload, type ValidationResult } from './payload.js'
export { validateServerItem, type ServerItem, type ServerItemResult } from './server-payload.js'
export { enqueueEvent } from './enqueue.js'
export { IdempotencyIndex } from './idempotency.js'
