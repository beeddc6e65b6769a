/**
 * Single-producer ring of variable-length records in a SharedArrayBuffer (layout: `./layout.ts`).
 *
 * Positions are u32 counters of bytes ever written (head) and released (tail). They only grow and wrap
 * mod 2^32, so every comparison goes through `(a - b) >>> 0` distances; `==` is never used to wait for
 * progress (a reader that advances in jumps would skip it: pinojs/thread-stream#250).
 *
 * Memory ordering: the producer writes record bytes with plain stores and then publishes with
 * `Atomics.store(head)`; readers `Atomics.load(head)` before reading (JS Atomics are sequentially
 * consistent, so that load orders the plain reads after the producer's plain writes, also on ARM). The
 * tail is advanced with an Atomics op after the records were read, so the producer never overwrites bytes
 * still in use. Nothing here waits: the producer is the HTTP thread and answers 503 when `reserve` fails.
 * @module
 */
import { RingEnd, isAlignedPosition } from './base.js'
import {
  CAPACITY_INDEX,
  FULL_REJECTIONS_INDEX,
  HEAD_INDEX,
  HEADER_BYTES,
  HIGH_WATER_INDEX,
  MAGIC_INDEX,
  MAX_CAPACITY,
  MIN_CAPACITY,
  PAD_RECORDS_INDEX,
  RECORD_ALIGN,
  RECORD_FLAGS_MAX,
  RECORD_HEADER_BYTES,
  RECORD_TYPE_MAX,
  RECORD_TYPE_MIN,
  RECORD_TYPE_PAD,
  RING_MAGIC,
  RING_OPEN,
  STATE_INDEX,
  TAIL_INDEX,
  maxPayload,
  recordBytes,
} from './layout.js'

export { RECORD_TYPE_PAD } from './layout.js'
export { RingCorruptError, ringDistance } from './base.js'
export { RingReader } from './reader.js'

/**
 * Allocate and initialise a ring. `initialPosition` (u32, multiple of 8) sets head = tail so tests can
 * start just below the 2^32 wrap; it also decides the physical offset of the first record.
 */
export function createRing(dataBytes: number, opts: { initialPosition?: number } = {}): SharedArrayBuffer {
  if (
    !Number.isInteger(dataBytes) ||
    dataBytes < MIN_CAPACITY ||
    dataBytes > MAX_CAPACITY ||
    (dataBytes & (dataBytes - 1)) !== 0
  ) {
    throw new RangeError(
      `ring dataBytes must be a power of two in [${MIN_CAPACITY}, ${MAX_CAPACITY}], got ${dataBytes}`,
    )
  }
  const initial = opts.initialPosition ?? 0
  if (!isAlignedPosition(initial)) {
    throw new RangeError(`ring initialPosition must be a u32 multiple of ${RECORD_ALIGN}, got ${initial}`)
  }
  const sab = new SharedArrayBuffer(HEADER_BYTES + dataBytes)
  const header = new Uint32Array(sab, 0, HEADER_BYTES / 4)
  header[HEAD_INDEX] = initial
  header[TAIL_INDEX] = initial
  header[MAGIC_INDEX] = RING_MAGIC
  header[CAPACITY_INDEX] = dataBytes
  // Stored last with an Atomics op: a thread that sees OPEN also sees the words above.
  Atomics.store(header, STATE_INDEX, RING_OPEN)
  return sab
}

/** The producer side. Exactly one RingWriter per ring: the head is advanced with a plain Atomics.store, no CAS. */
export class RingWriter extends RingEnd {
  /** Largest payload `reserve` accepts (see `maxPayload` in layout.ts). */
  readonly maxPayload: number
  #head: number // last published head (this thread is its only writer)
  #pending: number // end of reserved, unpublished records
  #tail: number // cached tail; stale means "older", which only under-estimates free space
  #highWater: number

  constructor(sab: SharedArrayBuffer) {
    super(sab)
    this.maxPayload = maxPayload(this.capacity)
    this.#head = this.#pending = Atomics.load(this.header, HEAD_INDEX)
    this.#tail = Atomics.load(this.header, TAIL_INDEX)
    this.#highWater = Atomics.load(this.header, HIGH_WATER_INDEX)
  }

  /**
   * Reserve a record; returns the payload offset in `bytes`, or -1 when there is no room (counted in
   * fullRejections, nothing written). Several reserves may precede one publish (batching).
   * Throws RangeError for a type outside 1..0xFFFE, flags outside u16, or payloadLength > maxPayload.
   */
  reserve(type: number, payloadLength: number, flags = 0): number {
    if (!(type >= RECORD_TYPE_MIN && type <= RECORD_TYPE_MAX && (type | 0) === type))
      throw new RangeError(`ring record type out of range: ${type}`)
    if (!(payloadLength >= 0 && payloadLength <= this.maxPayload && (payloadLength | 0) === payloadLength)) {
      throw new RangeError(`ring payload length ${payloadLength} not in [0, ${this.maxPayload}]`)
    }
    if (!(flags >= 0 && flags <= RECORD_FLAGS_MAX && (flags | 0) === flags))
      throw new RangeError(`ring record flags out of range: ${flags}`)
    const size = recordBytes(payloadLength)
    const pending = this.#pending
    let offset = pending & this.mask
    const gap = this.capacity - offset
    const pad = size > gap ? gap : 0 // records never straddle the end: fill the gap with PAD, start at 0
    const need = pad + size
    if (((pending - this.#tail) >>> 0) + need > this.capacity) {
      this.#tail = Atomics.load(this.header, TAIL_INDEX)
      if (((pending - this.#tail) >>> 0) + need > this.capacity) {
        Atomics.add(this.header, FULL_REJECTIONS_INDEX, 1)
        return -1
      }
    }
    const view = this.view
    if (pad !== 0) {
      view.setUint32(offset, pad - RECORD_HEADER_BYTES, true)
      view.setUint16(offset + 4, RECORD_TYPE_PAD, true)
      view.setUint16(offset + 6, 0, true)
      Atomics.add(this.header, PAD_RECORDS_INDEX, 1)
      offset = 0
    }
    view.setUint32(offset, payloadLength, true)
    view.setUint16(offset + 4, type, true)
    view.setUint16(offset + 6, flags, true)
    this.#pending = (pending + need) >>> 0
    return offset + RECORD_HEADER_BYTES
  }

  /** Make every reserved record visible (one Atomics.store), then update the high-water mark. */
  publish(): void {
    const head = this.#pending
    if (head === this.#head) return
    Atomics.store(this.header, HEAD_INDEX, head)
    this.#head = head
    const used = (head - Atomics.load(this.header, TAIL_INDEX)) >>> 0
    if (used > this.#highWater) {
      this.#highWater = used
      Atomics.store(this.header, HIGH_WATER_INDEX, used)
    }
  }

  /** reserve + copy + publish; false when the ring is full. */
  push(type: number, payload: Uint8Array, flags = 0): boolean {
    const offset = this.reserve(type, payload.length, flags)
    if (offset < 0) return false
    this.bytes.set(payload, offset)
    this.publish()
    return true
  }

  /** Published head (the producer's own copy: no atomic load needed). */
  override head(): number {
    return this.#head
  }

  override release(position: number): void {
    super.release(position)
    this.#tail = position
  }

  stats(): { capacity: number; used: number; highWater: number; fullRejections: number; padRecords: number } {
    return {
      capacity: this.capacity,
      used: this.used(),
      highWater: Atomics.load(this.header, HIGH_WATER_INDEX),
      fullRejections: Atomics.load(this.header, FULL_REJECTIONS_INDEX),
      padRecords: Atomics.load(this.header, PAD_RECORDS_INDEX),
    }
  }
}
