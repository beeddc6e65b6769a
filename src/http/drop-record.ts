/**
 * Counting a drop — an item answered `202` with `X-Hitring-Drop: <reason>` and deliberately not stored —
 * the same way on every ingest route (browser and server): in `/metrics` at once, and in the site's
 * `DROPPED` rollup by reason through a 13-byte drop record in the item's ring lane, which the drain
 * counts in the same transactions as the stored events (src/drain/write-batch.ts).
 * @module
 */
import type { RingWriter } from '../ring/index.js'
import type { EngineMetrics } from '../ops/engine-metrics.js'
import { DROP_RECORD_BYTES, encodeDropRecord, RECORD_TYPE_DROP_V1 } from '../ingest/record.js'
import { DropReason, type DropReasonName } from '../ingest/drops.js'

/**
 * Counts one drop in /metrics and, when `ring` is given (the site is known), puts its drop record in
 * that lane at time `at` (the event's time: the receive time, or a server item's own `timestamp`).
 * Returns true when a record was published: the caller schedules a drain. Nobody waits on a drop
 * record, not even a durable acknowledgement: nothing the client sent is stored by it.
 */
export function countDrop(metrics: EngineMetrics, ring: RingWriter | null, at: number, siteNum: number, reason: DropReasonName): boolean {
  metrics.dropped.inc({ reason })
  if (!ring) return false
  const offset = ring.reserve(RECORD_TYPE_DROP_V1, DROP_RECORD_BYTES)
  // A full ring only loses the per-site count of this drop; /metrics has it already.
  if (offset < 0) return false
  encodeDropRecord(ring.view, offset, at, siteNum, DropReason[reason])
  ring.publish()
  return true
}
