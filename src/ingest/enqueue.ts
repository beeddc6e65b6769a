/**
 * Puts one accepted event into a ring lane: reserve, encode, publish. Used by every ingest route, so
 * the record format has one writer.
 * @module
 */
import type { RingWriter } from '../ring/index.js'
import { Limits } from './limits.js'
import { utf8Length } from './payload.js'
import { encodeIngestRecord, RECORD_HEADER_BYTES, RECORD_TYPE_INGEST_V1, type IngestRecordFacts } from './record.js'

/** Publishes the event and returns the ring position after it, or -1 when the lane is full (nothing written). */
export function enqueueEvent(ring: RingWriter, facts: IngestRecordFacts): number {
  const uaBytes = Math.min(utf8Length(facts.userAgent), Limits.userAgentBytes)
  const at = ring.reserve(RECORD_TYPE_INGEST_V1, RECORD_HEADER_BYTES + facts.ip.length + uaBytes + facts.body.length)
  if (at < 0) return -1
  encodeIngestRecord(ring.bytes, ring.view, at, facts)
  ring.publish()
  return ring.head()
}
