/**
 * The ingest ring: a SharedArrayBuffer of length-prefixed records from the HTTP thread (single producer)
 * to the drain workers. The producer never waits: a full ring is a `-1` from `reserve` (answer 503).
 * Drain workers read segments `[from, to)` with `RingReader.forEach`; the main thread releases each
 * segment, in order, when its task completes. Layout and offsets: `./layout.ts`.
 *
 * @example
 * ```ts
 * import { createRing, RingReader, RingWriter } from './ring/index.js'
 *
 * const sab = createRing(1 << 20)
 * const writer = new RingWriter(sab) // HTTP thread
 * const payload = new TextEncoder().encode('{"n":"pageview"}')
 * if (!writer.push(1, payload)) {
 *   // full: answer 503 with Retry-After
 * }
 *
 * // a drain segment (in a worker, with the same sab from workerData):
 * const reader = new RingReader(sab)
 * const from = writer.tail()
 * const to = writer.head()
 * reader.forEach(from, to, (type, offset, length) => {
 *   console.log(type, new TextDecoder().decode(reader.bytes.subarray(offset, offset + length)))
 * })
 * writer.release(to) // main thread, when the task has completed
 * ```
 * @module
 */
export { createRing, ringDistance, RingCorruptError, RingReader, RingWriter, RECORD_TYPE_PAD } from './ring.js'
export type { RecordVisitor } from './reader.js'
export {
  HEADER_BYTES,
  MAX_CAPACITY,
  MIN_CAPACITY,
  RECORD_HEADER_BYTES,
  RECORD_TYPE_MAX,
  RECORD_TYPE_MIN,
  RING_CLOSED,
  RING_CLOSING,
  RING_OPEN,
  maxPayload,
  recordBytes,
  type RingState,
} from './layout.js'
