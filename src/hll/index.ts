/**
 * Unique visitors: a HyperLogLog (p = 14, ≈ 0.81 % standard error) fed with the visitor hash itself, kept
 * per site and time bucket as a small versioned blob — sparse (a few bytes per visitor) while small,
 * 16 KiB of dense registers once that is smaller. Drain workers read-add-write a bucket's blob per batch;
 * reads estimate the union of a range of buckets with {@link estimateUnion}, or {@link unionOf} to feed
 * blobs one at a time as they are read. Blob layout: `./hll.ts`.
 *
 * @example
 * ```ts
 * import { createHash } from 'node:crypto'
 * import { HyperLogLog, estimateUnion } from './hll/index.js'
 *
 * // drain worker, one batch of one bucket (in the batch's write transaction):
 * const stored: Uint8Array | undefined = undefined // e.g. db.getBinary(key)
 * const sketch = stored ? HyperLogLog.decode(stored) : HyperLogLog.empty()
 * let changed = false
 * for (const visitor of ['a', 'b', 'a']) {
 *   const hash = createHash('sha256').update(`salt|site|${visitor}`).digest().subarray(0, 16)
 *   changed = sketch.add(hash) || changed
 * }
 * if (changed) {
 *   const blob = sketch.encode() // ≈ 3 bytes per visitor while small; 16,388 bytes when dense
 *   // db.put(key, blob)
 * }
 *
 * // query: unique visitors of a range of days
 * const days: Uint8Array[] = [sketch.encode()] // e.g. the blobs of a getRange over the day keys
 * console.log(estimateUnion(days)) // 2
 * ```
 * @module
 */
export { HLL_PRECISION, HllDecodeError, HyperLogLog, SPARSE_MAX, addIntoDenseBlob, estimateUnion } from './hll.js'
export { UnionBuilder, unionOf } from './union.js'
