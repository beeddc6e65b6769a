/**
 * The unit of a range is the 15-minute bucket, the finest the store keeps (src/store/buckets.ts): an
 * instant range is answered from the start of the bucket holding `from` to the end of the bucket holding
 * `to` — widened outward, so the answer covers at least what was asked (`from=10:12` counts an event at
 * 10:07). Every zone's offsets are multiples of 15 minutes, so local hours and days stay exact.
 *
 * Shared by the read API (./params.ts) and the dashboard (src/dashboard/range.ts), which shows the range
 * covered where it differs from the one asked: one rule, no copy to drift. Pure, no imports of Node.
 * @module
 */
// Not through the store's face (./index.ts): the dashboard's browser bundle imports this file, and the
// face would pull LMDB and node: modules into it.
import { Q15_MS } from '../store/buckets.js'

/** `from` → the start of its quarter-hour (epoch ms; fractions of a millisecond allowed). */
export const widenDown = (t: number): number => Math.floor(t / Q15_MS) * Q15_MS

/** `to` (exclusive) → the end of the quarter-hour it falls in, or itself on a boundary. */
export const widenUp = (t: number): number => Math.ceil(t / Q15_MS) * Q15_MS
