/**
 * Memory layout of the ingest ring: the only place that knows where things live in the SharedArrayBuffer.
 * Everything else imports these names, so the diagram below and the code cannot drift apart.
 *
 * ```
 * SharedArrayBuffer = 256-byte header + data region (capacity bytes, a power of two)
 *
 * byte  0 ┌────────────────────────────────────────────────────────────┐ cache line 0: producer writes
 *         │ HEAD  u32  bytes ever published (wraps mod 2^32)           │   (Atomics.store after payload)
 *      64 ├────────────────────────────────────────────────────────────┤ cache line 1: releaser writes
 *         │ TAIL  u32  bytes ever released  (wraps mod 2^32)           │   (Atomics.compareExchange)
 *     128 ├────────────────────────────────────────────────────────────┤ cache line 2: read-mostly
 *         │ STATE u32 (0 none, 1 OPEN, 2 CLOSING, 3 CLOSED) │ MAGIC u32 │ CAPACITY u32 │
 *     192 ├────────────────────────────────────────────────────────────┤ cache line 3: producer counters
 *         │ FULL_REJECTIONS u32 │ PAD_RECORDS u32 │ HIGH_WATER u32      │   (wrap mod 2^32; diff samples)
 *     256 ├────────────────────────────────────────────────────────────┤
 *         │ data region: record │ record │ … │ PAD │  (offset = position & (capacity - 1))
 *         └────────────────────────────────────────────────────────────┘
 *
 * record (8-byte aligned, never split at the physical end of the data region):
 *   +0 ┌────────────────────┬──────────┬───────────┬─────────────────────────┬──────────┐
 *      │ u32 payload length │ u16 type │ u16 flags │ payload (length bytes)  │ 0..7 pad │
 *      └────────────────────┴──────────┴───────────┴─────────────────────────┴──────────┘
 *   total = align8(8 + length). All fields little-endian.
 *   type 0 never occurs (zeroed memory reads as corrupt), 1..0xFFFE are the caller's, 0xFFFF is PAD:
 *   when a record does not fit before the physical end, a PAD record fills [offset, capacity) and the
 *   record starts at offset 0. Since offsets are multiples of 8, the gap always holds a PAD header.
 * ```
 *
 * The head and tail sit on separate 64-byte lines so the producer's stores to HEAD do not invalidate the
 * consumer's line holding TAIL on every publish, and vice versa (false sharing).
 * @module
 */

/** Cache-line size used to separate header words written by different threads. */
export const CACHE_LINE_BYTES = 64
/** Bytes before the data region. */
export const HEADER_BYTES = 256

/** Byte offsets of header words in the SharedArrayBuffer. */
export const HEAD_OFFSET = 0
export const TAIL_OFFSET = 64
export const STATE_OFFSET = 128
export const MAGIC_OFFSET = 132
export const CAPACITY_OFFSET = 136
export const FULL_REJECTIONS_OFFSET = 192
export const PAD_RECORDS_OFFSET = 196
export const HIGH_WATER_OFFSET = 200

/** The same words as indexes into a `Uint32Array` over the header (what `Atomics.*` takes). */
export const HEAD_INDEX = HEAD_OFFSET >> 2
export const TAIL_INDEX = TAIL_OFFSET >> 2
export const STATE_INDEX = STATE_OFFSET >> 2
export const MAGIC_INDEX = MAGIC_OFFSET >> 2
export const CAPACITY_INDEX = CAPACITY_OFFSET >> 2
export const FULL_REJECTIONS_INDEX = FULL_REJECTIONS_OFFSET >> 2
export const PAD_RECORDS_INDEX = PAD_RECORDS_OFFSET >> 2
export const HIGH_WATER_INDEX = HIGH_WATER_OFFSET >> 2

/** "HRNG" little-endian: lets a constructor reject a buffer that is not a ring. */
export const RING_MAGIC = 0x474e5248

/** Ring states, stored at STATE_OFFSET. They only move forward: OPEN → CLOSING → CLOSED. */
export const RING_OPEN = 1
export const RING_CLOSING = 2
export const RING_CLOSED = 3
export type RingState = typeof RING_OPEN | typeof RING_CLOSING | typeof RING_CLOSED

/** Record header layout (offsets relative to the start of the record). */
export const RECORD_HEADER_BYTES = 8
export const RECORD_LENGTH_OFFSET = 0
export const RECORD_TYPE_OFFSET = 4
export const RECORD_FLAGS_OFFSET = 6
export const RECORD_ALIGN = 8

/** Record types: 0 is never written; PAD fills the gap before the physical end. */
export const RECORD_TYPE_INVALID = 0
export const RECORD_TYPE_MIN = 1
export const RECORD_TYPE_MAX = 0xfffe
export const RECORD_TYPE_PAD = 0xffff
export const RECORD_FLAGS_MAX = 0xffff

/**
 * Capacity bounds. 4 KiB keeps the header overhead negligible; 1 GiB keeps every distance below 2^31,
 * so `(a - b) >>> 0` always tells "ahead" from "behind" unambiguously.
 */
export const MIN_CAPACITY = 4096
export const MAX_CAPACITY = 2 ** 30

/** Bytes a record with `payloadLength` bytes of payload occupies in the ring (header + payload + alignment). */
export function recordBytes(payloadLength: number): number {
  return (payloadLength + RECORD_HEADER_BYTES + RECORD_ALIGN - 1) & ~(RECORD_ALIGN - 1)
}

/**
 * Largest payload `reserve` accepts: a record of half the capacity. That is the largest size that fits
 * into an EMPTY ring wherever its head happens to be (either it fits before the end, or the head is past
 * the middle and the record fits in [0, head) after the PAD), so a producer that retries after a drain
 * can never be refused forever. Larger records are a caller error (RangeError), not "ring full".
 */
export function maxPayload(capacity: number): number {
  return capacity / 2 - RECORD_HEADER_BYTES
}
