/**
 * Dense HyperLogLog registers: m = 2^14 = 16,384 registers of ONE BYTE each (16 KiB).
 *
 * Register `i` holds the largest rank seen for index `i`, where, for the 64 bits `h` of a visitor hash
 * (bytes 0..7, big-endian), the index is the top 14 bits and the rank is 1 + the number of leading zeros
 * of the 50 bits after them (1..51; 0 = empty register).
 *
 * Why a byte and not 6-bit packing (12 KiB): the hot read path is the element-wise max of many stored
 * sketches (365 days for a year), and bytes can be maxed as they are stored, many at a time: 16 per
 * WebAssembly SIMD instruction (`./simd.ts`), or 4 per Int32 word in plain JavaScript ({@link maxWords}),
 * where bit 6 of each byte (every register is ≤ 63) serves as a guard. Measured on Node 20 for 365
 * sketches: bytes + SIMD ≈ 0.4 ms, bytes + SWAR ≈ 3 ms, a bytewise loop ≈ 8 ms, 6-bit packed ≈ 6.5 ms
 * (unpacking dominates, even with SWAR after it). The 4 KiB that packing saves concern only dense
 * sketches — big site-days and months — and LMDB stores either in overflow pages.
 * @module
 */

export const HLL_PRECISION = 14
/** m, the number of registers. */
export const REGISTERS = 1 << HLL_PRECISION
/** q + 1: the rank when the 64 − p bits after the index are all zero. */
export const MAX_RANK = 64 - HLL_PRECISION + 1
/** Registers per Int32 word, and words per sketch. */
export const WORDS = REGISTERS >> 2

const GUARD = 0x40404040 // bit 6 of every byte: free, since every register is ≤ 63
const OVER_63 = 0xc0c0c0c0 | 0 // bits 6 and 7 of every byte

/** Empty registers in their own ArrayBuffer (offset 0), so `new Int32Array(regs.buffer)` is aligned. */
export function newRegisters(): Uint8Array {
  return new Uint8Array(REGISTERS)
}

/** The Int32 view of registers made by {@link newRegisters}. */
export function wordsOf(regs: Uint8Array): Int32Array {
  return new Int32Array(regs.buffer, regs.byteOffset, WORDS)
}

/** Register index of the hash whose first 32 bits are `hi`. */
export function denseIndex(hi: number): number {
  return hi >>> (32 - HLL_PRECISION)
}

/** Rank (1..51) of the hash whose bits are `hi` (first 32) and `lo` (next 32). */
export function denseRank(hi: number, lo: number): number {
  const rest = hi & 0x3ffff // the 18 bits of `hi` after the 14-bit index
  if (rest !== 0) return Math.clz32(rest) - 13 // (clz32 − 14 leading zeros within 18 bits) + 1
  return lo !== 0 ? 19 + Math.clz32(lo) : MAX_RANK
}

/**
 * acc[i] = max(acc[i], src[i]) for every register, four per word. Returns the OR of `src` masked to the
 * bits that are set only when a register of `src` is over 63 (0 for well-formed registers), so the
 * caller can validate a stored blob without a second pass.
 *
 * Per byte, (a | 0x40) − x is 64 + a − x ∈ [1, 127] — no borrow into the next byte — and its bit 6 is
 * set iff a ≥ x; `ge − (ge >>> 6)` widens that bit into a 0x3f mask of the byte.
 */
export function maxWords(acc: Int32Array, src: Int32Array): number {
  let bad = 0
  for (let i = 0; i < WORDS; i++) {
    const a = acc[i]
    const x = src[i]
    bad |= x
    const ge = ((a | GUARD) - x) & GUARD
    const mask = ge - (ge >>> 6)
    acc[i] = (a & mask) | (x & ~mask)
  }
  return bad & OVER_63
}

/**
 * Whether every register is ≤ 51, four per word: per byte, bits 6–7 flag a value ≥ 64, and
 * (b & 0x3f) + 12 (at most 0x4b: no carry into the next byte) has bit 6 set iff b & 0x3f ≥ 52.
 */
export function registersValid(regs: Uint8Array): boolean {
  const words = wordsOf(regs)
  let bad = 0
  for (let i = 0; i < WORDS; i++) {
    const x = words[i]
    bad |= x | ((x & 0x3f3f3f3f) + 0x0c0c0c0c)
  }
  return (bad & OVER_63) === 0
}

/** Number of registers holding each byte value (0..51 in a valid sketch). */
export function histogram(regs: Uint8Array): Int32Array {
  const hist = new Int32Array(256)
  if ((regs.byteOffset & 3) !== 0) {
    for (let i = 0; i < REGISTERS; i++) hist[regs[i]]++
    return hist
  }
  // Four bytes a word into four separate tables: neighbouring registers often hold the same value, and
  // incrementing one counter back to back stalls on its own store (measured 15 µs against 29 µs).
  const words = new Uint32Array(regs.buffer, regs.byteOffset, WORDS)
  const parts = new Int32Array(1024)
  for (let i = 0; i < WORDS; i++) {
    const w = words[i]!
    parts[w & 255]++
    parts[256 + ((w >>> 8) & 255)]++
    parts[512 + ((w >>> 16) & 255)]++
    parts[768 + (w >>> 24)]++
  }
  for (let v = 0; v < 256; v++) hist[v] = parts[v]! + parts[256 + v]! + parts[512 + v]! + parts[768 + v]!
  return hist
}
