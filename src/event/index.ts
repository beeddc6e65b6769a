/**
 * The event: its fields (./fields.ts — ONE table: the ingest bodies' fields and the stored event's),
 * the validated payload (./payload.ts), the ring record that carries it from the HTTP thread to a drain
 * worker (./record.ts), the stored event (./stored.ts), the limits (./limits.ts) and the drop reasons
 * (./drops.ts). A leaf: it imports nothing of hitring's but src/bytes.
 *
 * ## How to add a field
 *
 * The compiler leads: once the table and the payload type have the field, `npx tsc --noEmit` names
 * every hand-written literal that lacks it (the stored event's, the payload's, the record decoder's).
 *
 * 1. **The table** (./fields.ts): a `PAYLOAD_FIELDS` entry (JSON key, bodies, type and limits, the
 *    property it becomes, where the ring record carries it, its OpenAPI description — the server
 *    ingestion document is built from it) and, when it is stored, a `STORED_FIELDS` entry at the END
 *    (positions are stored: append only) naming its interned-string namespace and, for a visit
 *    attribute, its `Metric` and `top` list. Its property in {@link IngestPayload} (./payload.ts), its
 *    limit in ./limits.ts.
 * 2. **The validator**: src/ingest/payload.ts, by hand (a `{ field, message }` issue, answered 400
 *    `invalid_field`); src/ingest/server-payload.ts passes the field of a server item on to it.
 * 3. **The carriers**, hand-written for speed, checked against the table by test/event-schema.test.ts
 *    and test/event-block.test.ts: the ring record (./record.ts: a flag bit and a `str`) and the
 *    event-block codec (src/store/event-block.ts: bump `EVENT_BLOCK_FORMAT`, read the previous format
 *    with the field empty).
 * 4. **The enrichment that fills it**: src/drain/decode.ts derives it from the payload (in the worker,
 *    before the write transaction); src/drain/write-batch.ts interns it into the stored event; a visit
 *    attribute gets its line in src/drain/count.ts (written out for speed, checked against the table).
 * 5. **The reader that shows it**: its namespace and metric (src/store/strings.ts `StringKind`,
 *    src/store/rollups.ts `Metric` and `DIM_KIND`: numbers are stored, never renumber) and its list in
 *    the stats answer (src/query/stats.ts, src/query/schemas.ts).
 *
 * Then the tracker (tracker/index.ts) sends it and the README's field table documents it. `language`
 * was added this way (issue 15's proof): 14 files of src/ (9 of them one or two lines; 2 more to store
 * HitKeep's `lang` too), 2 of tracker/, the README.
 * @module
 */
export {
  PAYLOAD_FIELDS,
  STORED_FIELDS,
  HEAD_KEYS,
  ID_FIELDS,
  SESSION_FIELDS,
  LISTED_FIELDS,
  RFC3339,
  LANGUAGE_TAG,
  type PayloadField,
  type StoredField,
  type ListedField,
} from './fields.js'
export { EventKind, type IngestPayload, type PropValue } from './payload.js'
export { fromTuple, toTuple, emptyOf, type Props, type StoredEvent, type StoredKey } from './stored.js'
export { Limits } from './limits.js'
export { compileFieldCode } from './compile.js'
export { DropReason, dropReasonName, type DropReasonName } from './drops.js'
export {
  decodeDropRecord,
  decodeIngestRecord,
  DROP_RECORD_BYTES,
  dropRecordBytes,
  encodeDropRecord,
  encodeIngestRecord,
  RECORD_HEADER_BYTES,
  RECORD_TYPE_DROP_V1,
  RECORD_TYPE_INGEST_V2,
  type IngestRecordFacts,
} from './record.js'
