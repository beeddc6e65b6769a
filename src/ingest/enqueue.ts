/**
 * Puts one accepted event into a ring lane: encode, reserve, copy, publish. Used by every ingest route,
 * so the record format has one writer.
 * @module
 */
import type { RingWriter } from '../ring/index.js'
import { encodeIngestRecord, RECORD_TYPE_INGEST_V2, type IngestRecordFacts } from '../event/record.js'

/** Publishes the event and returns the ring position after it, or -1 when the lane is full (nothing written). */
export function enqueueEvent(ring: RingWriter, facts: IngestRecordFacts): number {
  const record = encodeIngestRecord(facts)
  const at = ring.reserve(RECORD_TYPE_INGEST_V2, record.length)
  if (at < 0) return -1
  ring.bytes.set(record, at)
  ring.publish()
  return ring.head()
}
