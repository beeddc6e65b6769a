/**
 * The event: its fields (./fields.ts — ONE table: the ingest bodies' fields and the stored event's),
 * the validated payload (./payload.ts), the ring record that carries it from the HTTP thread to a drain
 * worker (./record.ts), the stored event (./stored.ts), the limits (./limits.ts) and the drop reasons
 * (./drops.ts). A leaf: it imports nothing of hitring's but src/bytes.
 *
 * ## How to add a field
 *
 * 1. **The table** (./fields.ts): a `PAYLOAD_FIELDS` entry (JSON key, bodies, type and limits, where
 *    the ring record carries it, its OpenAPI description — the server-ingestion document is built from
 *    it) and, when it is stored, a `STORED_FIELDS` entry at the END (positions are stored: append
 *    only) naming its interned-string namespace and, for a visit attribute, its `Metric` and `top` list
 *    — the drain and the recount then count it (src/drain/count.ts reads the table). Add its field to
 *    {@link IngestPayload} (./payload.ts) and its limit to ./limits.ts.
 * 2. **The validator**: src/ingest/payload.ts (browser bodies; server items pass it through from
 *    src/ingest/server-payload.ts), checked by hand, a `{ field, message }` issue when refused.
 * 3. **The carriers**, hand-written for speed and checked against the table by tests: the ring record
 *    (./record.ts: a flag bit and a `str`), the event-block codec (src/store/event-block.ts: bump
 *    `EVENT_BLOCK_FORMAT`, read the previous format with the field empty).
 * 4. **The enrichment that fills it**: src/drain/decode.ts (what the worker derives from the payload)
 *    and src/drain/write-batch.ts (the stored event's literal: intern it).
 * 5. **The reader that shows it**: a new interned namespace and metric (src/store/strings.ts
 *    `StringKind`, src/store/rollups.ts `Metric`, `DIM_KIND`), and the stats answer's list
 *    (src/query/stats.ts, src/query/schemas.ts).
 *
 * The tracker (tracker/) sends it; the README's field table documents it. `language` was added this
 * way (issue 15): see its commit for the files one field touches.
 * @module
 */
export { PAYLOAD_FIELDS, STORED_FIELDS, SESSION_FIELDS, LISTED_FIELDS, RFC3339, type PayloadField, type StoredField } from './fields.js'
export { EventKind, type IngestPayload, type PropValue } from './payload.js'
export { fromTuple, toTuple, emptyOf, type Props, type StoredEvent, type StoredKey } from './stored.js'
export { Limits } from './limits.js'
export { DropReason, dropReasonName, type DropReasonName } from './drops.js'
