/**
 * Counting a drop — an item answered `202` with `X-Hitring-Drop: <reason>` and deliberately not stored —
 * the same way on every ingest route (browser and server): in `/metrics` at once, and in the site's
 * `DROPPED` rollup by reason through a drop record in the item's ring lane (13 bytes, plus a server
 * item's idempotency key), which the drain counts in the same transactions as the stored events
 * (src/drain/write-batch.ts).
 * @module
 */
import type { RingWriter } from '../ring/index.js'
import type { EngineMetrics } from '../ops/engine-metrics.js'
import {
  dropRecordBytes,
  encodeDropRecord,
  RECORD_TYPE_DROP_V1,
  DropReason,
  type DropReasonName,
} from '../event/index.js'

/**
 * Counts one drop in /metrics and, when `ring` is given (the site is known), puts its drop record in
 * that lane at time `at` (the event's time: the receive time, or a server item's own `timestamp`), with
 * the item's idempotency key if it has one. Returns the ring position after the record, or -1 when no
 * record was published; after a record the caller schedules a drain. Nobody waits on a drop record,
 * not even a durable acknowledgement: nothing the client sent is stored by it.
 */
export function countDrop(
  metrics: EngineMetrics,
  ring: RingWriter | null,
  at: number,
  siteNum: number,
  reason: DropReasonName,
  idempotencyKey?: string,
): number {
  metrics.dropped.inc({ reason })
  if (!ring) return -1
  const offset = ring.reserve(RECORD_TYPE_DROP_V1, dropRecordBytes(idempotencyKey))
  // A full ring only loses the per-site count of this drop; /metrics has it already.
  if (offset < 0) return -1
  encodeDropRecord(ring.bytes, ring.view, offset, at, siteNum, DropReason[reason], idempotencyKey)
  ring.publish()
  return ring.head()
}
