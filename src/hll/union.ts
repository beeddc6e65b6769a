/**
 * The read path: the estimated union of many stored sketches, fed one blob at a time, without building
 * a sketch per blob. Dense blobs are maxed 16 registers at a time straight from their bytes
 * (`./simd.ts`) as they come, so a blob may be a transient buffer (lmdb-js `getBinaryFast`) and is
 * never kept; the entries of sparse blobs are gathered in a small hash set of 25-bit indexes and
 * counted, or poured into registers as soon as there are more than SPARSE_MAX of them. The answer is
 * exactly what decoding every blob and merging the sketches would estimate: sparse while the union of
 * the sparse entries stays within `SPARSE_MAX` and no blob is dense, dense otherwise. A builder also
 * takes another builder's union (`addUnion`): the union of unions costs one register max, not a read.
 * @module
 */
import { FORM_DENSE, HllDecodeError, blobForm, decodeSparse } from './codec.js'
import { MAX_RANK, histogram, maxWords, wordsOf } from './dense.js'
import { denseEstimate } from './estimate.js'
import { accumulator, type Accumulator } from './simd.js'
import { SPARSE_MAX, entriesIntoRegisters, sparseEstimate } from './sparse.js'

/** Slots of the set of sparse entries: a power of two, at least twice SPARSE_MAX + 1 (load ≤ ½). */
const SET_SLOTS = 1 << (32 - Math.clz32(2 * SPARSE_MAX + 1))
const SET_SHIFT = 32 - Math.log2(SET_SLOTS)

/** A union being built: {@link UnionBuilder.add} blobs, then {@link UnionBuilder.estimate} (once). */
export class UnionBuilder {
  #acc: Accumulator | null = null
  /**
   * Sparse entries seen so far, one per 25-bit index (largest rank), in an open-addressing table (0 =
   * empty; an entry is never 0). The sparse estimate needs only how many there are, so no sort: as soon
   * as there are more than SPARSE_MAX the union is dense, and they go into registers.
   */
  #set: Int32Array | null = null
  #distinct = 0

  constructor(private readonly useSimd = true) {}

  /** Adds one stored blob (read now, not kept). Throws `HllDecodeError` on a malformed blob. */
  add(blob: Uint8Array): void {
    if (blobForm(blob) === FORM_DENSE) {
      this.#dense().max(blob)
      return
    }
    const { entries, count } = decodeSparse(blob)
    this.#addEntries(entries, count)
  }

  /**
   * Adds everything `other` has taken so far: a union of unions, without reading its blobs again (all
   * the goals of a site, each also wanted alone). Call it before `other` estimates, which releases its
   * registers. The result is exactly that of adding `other`'s blobs here.
   */
  addUnion(other: UnionBuilder): void {
    if (other.#acc !== null) {
      if (maxWords(wordsOf(this.#dense().regs), wordsOf(other.#acc.regs)) !== 0)
        throw new HllDecodeError('hll: a dense register is over 63')
      return
    }
    const set = other.#set
    if (set === null) return
    const entries = new Int32Array(other.#distinct)
    let n = 0
    for (let i = 0; i < SET_SLOTS; i++) if (set[i] !== 0) entries[n++] = set[i]!
    this.#addEntries(entries, n)
  }

  #addEntries(entries: Int32Array, count: number): void {
    if (this.#acc !== null) {
      entriesIntoRegisters(entries, count, this.#acc.regs)
      return
    }
    const set = (this.#set ??= new Int32Array(SET_SLOTS))
    for (let i = 0; i < count; i++) {
      const e = entries[i]!
      const index = e >>> 6
      let slot = Math.imul(index, 0x9e3779b1) >>> SET_SHIFT
      for (;;) {
        const there = set[slot]!
        if (there === 0) {
          set[slot] = e
          if (++this.#distinct > SPARSE_MAX) {
            // The union is dense: the rest of these entries, and every later blob, go into registers.
            entriesIntoRegisters(entries.subarray(i + 1), count - i - 1, this.#dense().regs)
            return
          }
          break
        }
        if (there >>> 6 === index) {
          if (e > there) set[slot] = e
          break
        }
        slot = (slot + 1) & (SET_SLOTS - 1)
      }
    }
  }

  /** The estimate; releases the registers (the builder is done). */
  estimate(): number {
    try {
      if (this.#acc === null) return sparseEstimate(this.#distinct)
      const hist = histogram(this.#acc.regs)
      for (let v = MAX_RANK + 1; v < hist.length; v++) {
        if (hist[v] !== 0) throw new HllDecodeError(`hll: a dense register holds ${v}, over ${MAX_RANK}`)
      }
      return denseEstimate(hist)
    } finally {
      this.release()
    }
  }

  /** Gives the registers back without estimating (after an error). Safe to call twice. */
  release(): void {
    this.#acc?.release()
  }

  /** Switches to registers: pours the sparse entries seen so far in. */
  #dense(): Accumulator {
    if (this.#acc === null) {
      this.#acc = accumulator(this.useSimd)
      const set = this.#set
      if (set !== null) {
        let n = 0
        for (let i = 0; i < SET_SLOTS; i++) if (set[i] !== 0) set[n++] = set[i]! // compact: an empty slot is no entry
        entriesIntoRegisters(set, n, this.#acc.regs)
        this.#set = null
      }
    }
    return this.#acc
  }
}

/**
 * The union estimate of `blobs`; `fill` calls `add` for each blob (which may be a transient buffer).
 * The registers are released whatever happens.
 */
export function unionOf(fill: (add: (blob: Uint8Array) => void) => void, useSimd = true): number {
  const union = new UnionBuilder(useSimd)
  try {
    fill((blob) => union.add(blob))
    return union.estimate()
  } finally {
    union.release()
  }
}

/**
 * `estimateUnion` (`./hll.ts`); `useSimd = false` forces the JavaScript fallback (for tests and benches).
 * Throws `HllDecodeError` on a malformed blob.
 */
export function unionEstimate(blobs: Iterable<Uint8Array>, useSimd: boolean): number {
  return unionOf((add) => {
    for (const blob of blobs) add(blob)
  }, useSimd)
}
