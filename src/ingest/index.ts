/**
 * Ingest: what the HTTP thread accepts and how it travels to the drain. A request's payload is
 * validated by hand (./payload.ts for hk.js and HitKeep's trackers, ./server-payload.ts for server-side
 * batches; limits in ./limits.ts), then written into a ring lane as one binary record (./record.ts):
 * an event, or — for an event dropped by a filter (bot, Do-Not-Track, excluded IP…, ./drops.ts) — a
 * drop record that only counts. Server items carry idempotency keys (./idempotency.ts). The drain
 * worker decodes the same records (src/drain/decode.ts).
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
export {
  IDEMPOTENCY_KEY_BYTES, MAX_FUTURE_MS, validateServerItem, type ServerItem, type ServerItemResult,
} from './server-payload.js'
export { Limits } from './limits.js'
export { DropReason, dropReasonName, type DropReasonName } from './drops.js'
export {
  decodeDropRecord, decodeIngestRecord, dropRecordBytes, encodeDropRecord, encodeIngestRecord, RECORD_TYPE_DROP_V1,
  RECORD_TYPE_INGEST_V2, type DecodedIngestRecord, type IngestRecordFacts,
} from './record.js'
export { enqueueEvent } from './enqueue.js'
export { IDEMPOTENCY_WINDOW_MS, IdempotencyIndex } from './idempotency.js'
