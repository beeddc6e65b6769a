/**
 * The event: its fields (./fields.ts — ONE table: the ingest bodies' fields and the stored event's),
 * the validated payload (./payload.ts), the ring record that carries it from the HTTP thread to a drain
 * worker (./record.ts), the stored event (./stored.ts), the limits (./limits.ts) and the drop reasons
 * (./drops.ts). A leaf: it imports nothing of hitring's but src/bytes.
 *
 * ## How to add a field
 *
 * Everything that only repeats the table is derived from it, or generated from it once at load
 * (./compile.ts: the code a hand-written line per field would be, measured as fast): the stored event's
 * type (./stored.ts), the interning namespace and the visit metric (src/store/strings.ts `StringKind`,
 * src/store/metrics.ts `Metric` and `DIM_KIND`), the drain's interning (src/drain/write-batch.ts
 * `storedEventOf`), the visit counters (src/derive/count.ts), the event-block codec and its format
 * (src/store/event-block.ts: `since` of the newest field), the stats answer's list and its OpenAPI
 * description (src/query/stats.ts, src/query/schemas.ts) and the server ingestion document.
 *
 * A stored visit attribute (an interned string counted by visits, like `language` or `country`):
 *
 * 1. **The table** (./fields.ts): a `STORED_FIELDS` entry at the END (positions are stored: append
 *    only), codec `varint`, `since` the next event-block format (`EVENT_BLOCK_FORMAT` + 1, once per
 *    release that adds fields), `enriched` the drain item's property that holds its string, `interned`
 *    and `kind` a new namespace name and number, `session` and `metric` a new metric name and number
 *    (numbers are stored: never reuse or renumber; a clash throws at load), and `list`, `listAt`,
 *    `listDoc` if the stats answer lists it.
 * 2. **The enrichment that fills it**: src/drain/decode.ts, its string on `EventItem` (`write-batch`
 *    fails to compile until the property named by `enriched` exists), worked out in the worker from the
 *    payload, the URL, the User-Agent or the IP (a new lookup gets its own file in src/enrich/).
 *
 * That is all of src/ for a field the drain works out (2 files). A field the visitor's browser or a
 * server item SENDS (`language`) also needs, because the HTTP thread's code stays hand-written for speed:
 *
 * 3. **The payload**: a `PAYLOAD_FIELDS` entry in ./fields.ts (JSON key, bodies, type and limits, where
 *    the ring record carries it, its OpenAPI description), its property in {@link IngestPayload}
 *    (./payload.ts) and its limit in ./limits.ts when it has one.
 * 4. **The validator**: src/ingest/payload.ts, by hand (a `{ field, message }` issue, answered 400
 *    `invalid_field`); src/ingest/server-payload.ts passes a server item's field on to it.
 * 5. **The ring record** (./record.ts): a flag bit and a `str`, checked against the table by
 *    test/event-schema.test.ts.
 *
 * That is 7 files of src/ (fields, payload, limits, record, ingest/payload, ingest/server-payload,
 * drain/decode; 6 without a limit). `npx tsc --noEmit` names the literals that lack it. Then the tracker
 * (tracker/index.ts) sends it, the README's field table documents it, and the tests that enumerate the
 * stats lists, the stored fields or the OpenAPI fields include it (test/query-stats.test.ts' count of
 * session lists, test/event-block.test.ts' format-2 and format-3 fixtures, test/api-openapi.test.ts for a
 * payload field). `language` took 14 files of src/ before these derivations; a throwaway visit attribute
 * the drain works out (the URL's scheme) took 2 after them: src/event/fields.ts, src/drain/decode.ts.
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
export { fromTuple, toTuple, emptyOf, type Props, type StoredEvent, type StoredKey, type StoredHead } from './stored.js'
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
