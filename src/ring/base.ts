/**
 * What the ring's writer and reader share: header views, the state word, the wrap-safe release rule and
 * the corruption error. Internal to `src/ring/`; the public surface is `./index.ts`.
 * @module
 */
import {
  CAPACITY_INDEX,
  HEAD_INDEX,
  HEADER_BYTES,
  MAGIC_INDEX,
  MIN_CAPACITY,
  RECORD_ALIGN,
  RING_MAGIC,
  STATE_INDEX,
  TAIL_INDEX,
  type RingState,
} from './layout.js'

/** Bytes from position `from` forward to position `to`, wrap-safe (u32). */
export function ringDistance(from: number, to: number): number {
  return (to - from) >>> 0
}

/** A header says the data region is inconsistent (length out of range, type 0, PAD not at the end). */
export class RingCorruptError extends Error {
  readonly code = 'HITRING_ERR_RING_CORRUPT'
  constructor(
    readonly position: number,
    detail: string,
  ) {
    super(`ring record at position ${position}: ${detail}`)
    this.name = 'RingCorruptError'
  }
}

export function isAlignedPosition(p: number): boolean {
  return p >>> 0 === p && (p & (RECORD_ALIGN - 1)) === 0
}

/** What writer and reader share: the views, state word and the release rule. */
export abstract class RingEnd {
  /** The data region (length = capacity); record payload offsets index into it. */
  readonly bytes: Uint8Array
  /** Same region as `bytes`, for little-endian field access. */
  readonly view: DataView
  readonly capacity: number
  protected readonly header: Uint32Array
  protected readonly mask: number

  constructor(sab: SharedArrayBuffer) {
    if (!(sab instanceof SharedArrayBuffer) || sab.byteLength < HEADER_BYTES + MIN_CAPACITY) {
      throw new TypeError('ring: expected the SharedArrayBuffer returned by createRing()')
    }
    this.header = new Uint32Array(sab, 0, HEADER_BYTES / 4)
    const capacity = Atomics.load(this.header, CAPACITY_INDEX)
    if (Atomics.load(this.header, MAGIC_INDEX) !== RING_MAGIC || capacity !== sab.byteLength - HEADER_BYTES) {
      throw new TypeError('ring: SharedArrayBuffer has no ring header (not created by createRing?)')
    }
    this.capacity = capacity
    this.mask = capacity - 1
    this.bytes = new Uint8Array(sab, HEADER_BYTES, capacity)
    this.view = new DataView(sab, HEADER_BYTES, capacity)
  }

  head(): number {
    return Atomics.load(this.header, HEAD_INDEX)
  }

  tail(): number {
    return Atomics.load(this.header, TAIL_INDEX)
  }

  /** Bytes published and not yet released. */
  used(): number {
    const tail = this.tail() // tail first: the later head load can only be further ahead of it
    return (this.head() - tail) >>> 0
  }

  /**
   * Advance the tail to `position`, the end of a fully read segment. Throws RangeError when `position`
   * is behind the tail or beyond the published head (wrap-safe). compareExchange makes a concurrent
   * release show up as "backwards" instead of silently moving the tail back.
   */
  release(position: number): void {
    if (!isAlignedPosition(position)) throw new RangeError(`ring release: not an aligned u32 position: ${position}`)
    for (;;) {
      const tail = Atomics.load(this.header, TAIL_INDEX)
      const head = Atomics.load(this.header, HEAD_INDEX)
      const ahead = (position - tail) >>> 0
      if (ahead > (head - tail) >>> 0) {
        throw new RangeError(`ring release(${position}) outside [tail ${tail}, head ${head}]: backwards or beyond head`)
      }
      if (ahead === 0) return
      if (Atomics.compareExchange(this.header, TAIL_INDEX, tail, position) === tail) return
    }
  }

  getState(): RingState {
    return Atomics.load(this.header, STATE_INDEX) as RingState
  }

  /** Move the state forward (OPEN → CLOSING → CLOSED); returns the previous state. Never moves back. */
  setState(next: RingState): RingState {
    for (;;) {
      const current = Atomics.load(this.header, STATE_INDEX) as RingState
      if (next < current) throw new RangeError(`ring state cannot go back from ${current} to ${next}`)
      if (Atomics.compareExchange(this.header, STATE_INDEX, current, next) === current) return current
    }
  }
}
