/**
 * The reading side of the ring: any thread (a drain worker given a segment, or a consumer thread that
 * releases what it read). Readers never move the head and never wait.
 * @module
 */
import { RingCorruptError, RingEnd, isAlignedPosition } from './base.js'
import {
  HEAD_INDEX,
  RECORD_FLAGS_OFFSET,
  RECORD_HEADER_BYTES,
  RECORD_TYPE_INVALID,
  RECORD_TYPE_OFFSET,
  RECORD_TYPE_PAD,
  TAIL_INDEX,
  recordBytes,
} from './layout.js'

/** Called for each record: `offset` indexes the payload in `reader.bytes` / `reader.view`. */
export type RecordVisitor = (type: number, offset: number, length: number, flags: number) => void

export class RingReader extends RingEnd {
  /**
   * Visit every non-PAD record in the segment [from, to), in order; returns how many were visited.
   * The segment must lie inside [tail, head] (wrap-safe) and start on a record boundary. The payload is
   * only valid until the segment is released: copy what must outlive the callback.
   *
   * Loading the head here also gives the happens-before edge with the producer's publish, even when
   * `to` arrived by postMessage. Every header is bounds-checked before it is trusted, so a corrupt or
   * misaligned segment throws RingCorruptError instead of reading out of range.
   */
  forEach(from: number, to: number, cb: RecordVisitor): number {
    if (!isAlignedPosition(from) || !isAlignedPosition(to)) {
      throw new RangeError(`ring forEach: positions must be aligned u32, got [${from}, ${to})`)
    }
    const tail = Atomics.load(this.header, TAIL_INDEX) // tail first: head is then never behind it
    const head = Atomics.load(this.header, HEAD_INDEX)
    const available = (head - tail) >>> 0
    const skipped = (from - tail) >>> 0
    let remaining = (to - from) >>> 0
    if (skipped > available || remaining > available - skipped) {
      throw new RangeError(`ring forEach: segment [${from}, ${to}) not inside [tail ${tail}, head ${head})`)
    }
    const view = this.view
    const capacity = this.capacity
    let position = from
    let visited = 0
    while (remaining !== 0) {
      const offset = position & this.mask
      // remaining is a multiple of 8 and non-zero, so the 8-byte header is inside the segment.
      const length = view.getUint32(offset, true)
      const type = view.getUint16(offset + RECORD_TYPE_OFFSET, true)
      if (type === RECORD_TYPE_INVALID) throw new RingCorruptError(position, 'type 0 (unwritten memory)')
      if (length > remaining - RECORD_HEADER_BYTES) {
        throw new RingCorruptError(position, `length ${length} exceeds the ${remaining} bytes left in the segment`)
      }
      const size = recordBytes(length)
      if (offset + size > capacity) throw new RingCorruptError(position, `record of ${size} bytes crosses the end`)
      if (type === RECORD_TYPE_PAD) {
        if (offset + size !== capacity) throw new RingCorruptError(position, 'PAD record does not end at the wrap')
      } else {
        cb(type, offset + RECORD_HEADER_BYTES, length, view.getUint16(offset + RECORD_FLAGS_OFFSET, true))
        visited++
      }
      position = (position + size) >>> 0
      remaining -= size
    }
    return visited
  }
}
