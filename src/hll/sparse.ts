/**
 * The sparse representation (HLL++ style): a sorted list of distinct indexes at the higher precision
 * p' = 25, so that small sketches count almost exactly (linear counting over 2^25 slots) and cost a
 * few bytes per visitor.
 *
 * An entry is one positive int32: `index25 << 6 | rank`, where `index25` is the top 25 bits of the hash.
 * The rank is kept only when the 11 bits of `index25` after the dense index are all zero (1 in 2,048):
 * otherwise the dense rank follows from those bits alone ({@link entryRank}), and `rank` is 0. Entries
 * sort by index; two entries of one index differ only in rank, and the larger wins.
 * @module
 */
import { HLL_PRECISION } from './dense.js'

export const SPARSE_PRECISION = 25
const LOW_BITS = SPARSE_PRECISION - HLL_PRECISION // 11 index bits beyond the dense index
const LOW_MASK = (1 << LOW_BITS) - 1
/**
 * Most entries a sparse sketch keeps before turning dense. Not where the blobs cross in size (≈ 8,200
 * entries: random 25-bit indexes encode in ≈ 2 bytes each) but where sparse stops paying: every drain
 * batch decodes, extends and re-encodes a sketch (sparse 1,000 + 256 adds: 59 µs, dense: 13.5 µs in
 * hll.bench), and a year's stats unions a dozen month sketches per page (≈ 190 µs each near 7,000
 * entries, ≈ 45 µs dense). Below it counts stay exact in practice; above, the dense estimate's ≈ 0.8 %.
 */
export const SPARSE_MAX = 1024
/** Largest rank within the 64 − 25 = 39 bits after the sparse index. */
export const MAX_SPARSE_RANK = 64 - SPARSE_PRECISION + 1

/** The entry of the hash whose bits are `hi` (first 32) and `lo` (next 32). */
export function sparseEntry(hi: number, lo: number): number {
  const index = hi >>> (32 - SPARSE_PRECISION)
  if ((index & LOW_MASK) !== 0) return index << 6
  const rest = hi & 0x7f // the 7 bits of `hi` after the sparse index
  const rank = rest !== 0 ? Math.clz32(rest) - 24 : lo !== 0 ? 8 + Math.clz32(lo) : MAX_SPARSE_RANK
  return (index << 6) | rank
}

/** Whether an entry with this sparse index carries a rank (its 11 low index bits are zero). */
export function hasRank(index25: number): boolean {
  return (index25 & LOW_MASK) === 0
}

/** Dense register index of an entry. */
export function entryIndex(entry: number): number {
  return entry >>> (6 + LOW_BITS)
}

/** Dense rank (1..51) of an entry: from the 11 low index bits, or 11 + the stored rank when they are 0. */
export function entryRank(entry: number): number {
  const low = (entry >>> 6) & LOW_MASK
  return low !== 0 ? Math.clz32(low) - (32 - LOW_BITS - 1) : LOW_BITS + (entry & 63)
}

/** regs[i] = max(regs[i], rank) for every entry. */
export function entriesIntoRegisters(entries: Int32Array, count: number, regs: Uint8Array): void {
  for (let i = 0; i < count; i++) {
    const e = entries[i]
    const index = entryIndex(e)
    const rank = entryRank(e)
    if (rank > regs[index]) regs[index] = rank
  }
}

/** Linear counting over the 2^25 sparse slots: nearly exact while `count` ≪ 2^25. */
export function sparseEstimate(count: number): number {
  const m = 2 ** SPARSE_PRECISION
  return count === 0 ? 0 : Math.round(-m * Math.log1p(-count / m))
}

/** A sorted, duplicate-free list of entries with room to grow. */
export class SparseList {
  constructor(
    public entries: Int32Array,
    public count: number,
  ) {}

  static empty(): SparseList {
    return new SparseList(new Int32Array(16), 0)
  }

  /** Inserts an entry, or raises the rank of its index. Returns whether the list changed. */
  add(entry: number): boolean {
    const e = this.entries
    const n = this.count
    const key = entry >>> 6
    let lo = 0
    let hi = n
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (e[mid] >>> 6 < key) lo = mid + 1
      else hi = mid
    }
    if (lo < n && e[lo] >>> 6 === key) {
      if (entry <= e[lo]) return false
      e[lo] = entry
      return true
    }
    if (n === e.length) {
      this.entries = new Int32Array(n * 2)
      this.entries.set(e)
    }
    this.entries.copyWithin(lo + 1, lo, n)
    this.entries[lo] = entry
    this.count = n + 1
    return true
  }

  /** This list becomes the union of both (larger rank per index). */
  union(other: SparseList): void {
    const a = this.entries
    const b = other.entries
    const na = this.count
    const nb = other.count
    const out = new Int32Array(Math.max(16, na + nb))
    let i = 0
    let j = 0
    let k = 0
    while (i < na && j < nb) {
      const ka = a[i] >>> 6
      const kb = b[j] >>> 6
      if (ka < kb) out[k++] = a[i++]
      else if (kb < ka) out[k++] = b[j++]
      else out[k++] = Math.max(a[i++], b[j++])
    }
    while (i < na) out[k++] = a[i++]
    while (j < nb) out[k++] = b[j++]
    this.entries = out
    this.count = k
  }
}

/**
 * Sorts `entries[0..count)` in place and keeps one entry per index (the largest rank). Returns the new
 * count. Used to union many decoded lists at once.
 */
export function sortUnique(entries: Int32Array, count: number): number {
  if (count < 2) return count
  entries.subarray(0, count).sort()
  let k = 0
  for (let i = 1; i < count; i++) {
    const e = entries[i]
    if (e >>> 6 === entries[k] >>> 6)
      entries[k] = e // sorted: same index, rank not smaller
    else entries[++k] = e
  }
  return k + 1
}
