/**
 * Memory layout of the shared GCRA limiter table: the one place that knows where things live in the
 * SharedArrayBuffer. Every thread maps the same buffer with its own typed-array views (see gcra.ts).
 *
 * ```
 *  byte 0        HEADER (64 B, one cache line; written once by createLimiterTable, epoch once by the
 *  │             first RateLimiter, read-mostly afterwards: each RateLimiter copies it at construction)
 *  │  i32[0] MAGIC      'GCR' + layout version
 *  │  i32[1] CAPACITY   slots, a power of two
 *  │  i32[2] PROBE      probe window (slots examined per lookup)
 *  │  i32[3] (unused)
 *  │  i32[4] SEED0  ┐   HalfSipHash key, random per table, so every thread computes the same
 *  │  i32[5] SEED1  ┘   fingerprints and nobody outside can predict them
 *  │  i64[3] EPOCH      (bytes 24..31) ms of the first clock reading, XOR EPOCH_TAG; 0 = not yet set
 *  │
 *  byte 64       COUNTERS (5 × 64 B; each counter alone on its line so threads do not false-share)
 *  │  +0   allowed       +64  limited       +128 casExhausted     +192 failOpen (table full)
 *  │  +256 evictions     each = [lo u32, hi u32]: Atomics.add on lo, carry into hi on wrap
 *  │
 *  byte 384      KEYS  BigInt64[capacity]   64-bit seeded fingerprint of (limiterId, key); 0 = never used
 *  │             (also read as two Int32 words, lo then hi, to compare without allocating a BigInt)
 *  │
 *  byte 384+8·capacity   TATS  BigInt64[capacity]   theoretical arrival time, integer ns since EPOCH;
 *                        EMPTY_TAT in unused slots. A slot whose TAT <= now is a full bucket: it behaves
 *                        exactly like an empty slot, so it may be taken over without any reset.
 * ```
 * Total: 384 + 16 · capacity bytes (1 MiB + 384 B for the default 65,536 slots).
 * @module
 */

/** 'GCR' + layout version 1. A buffer with another magic was not made by createLimiterTable. */
export const MAGIC = 0x47435201

/** Int32 indices of the header fields. */
export const H_MAGIC = 0
export const H_CAPACITY = 1
export const H_PROBE = 2
export const H_SEED0 = 4
export const H_SEED1 = 5
/** BigInt64 index of the epoch (bytes 24..31). */
export const H_EPOCH_I64 = 3
/** Set in the stored epoch so that a valid epoch is never 0 (= unset), even for a clock reading of 0. */
export const EPOCH_TAG = 1n << 62n

/** Byte offset of the first counter and the distance between counters (one cache line). */
export const COUNTERS_BYTE = 64
export const COUNTER_STRIDE_BYTES = 64
/** Counter numbers. Int32 index of counter c's low word: (COUNTERS_BYTE + c · COUNTER_STRIDE_BYTES) / 4. */
export const C_ALLOWED = 0
export const C_LIMITED = 1
export const C_CAS_EXHAUSTED = 2
export const C_FAIL_OPEN = 3
export const C_EVICTIONS = 4
export const COUNTER_COUNT = 5

/** Int32 index of the low word of counter `c` (the high word follows it). */
export const counterIndex = (c: number): number => (COUNTERS_BYTE + c * COUNTER_STRIDE_BYTES) >> 2

/** Byte offset of the key array (64-byte aligned). */
export const KEYS_BYTE = COUNTERS_BYTE + COUNTER_COUNT * COUNTER_STRIDE_BYTES // 384
/** Byte offset of the TAT array for a table of `capacity` slots. */
export const tatsByte = (capacity: number): number => KEYS_BYTE + 8 * capacity
/** Total table size in bytes. */
export const tableBytes = (capacity: number): number => KEYS_BYTE + 16 * capacity

/** TAT of a never-used slot: far in the past, so it reads as a drained bucket. Exact as a double. */
export const EMPTY_TAT = -(1n << 62n)

export const DEFAULT_CAPACITY = 65_536
/** Slots examined per lookup. 8 keys = one 64-byte line of the key array (when aligned). */
export const PROBE_WINDOW = 8
/** Compare-and-swap attempts before failing open (redis-cell's MAX_CAS_ATTEMPTS). */
export const MAX_CAS_ATTEMPTS = 5
