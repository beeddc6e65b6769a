/**
 * The read path: the estimated union of many stored sketches, without building a sketch per blob.
 * Dense blobs are maxed 16 registers at a time straight from their bytes (`./simd.ts`); the entries of
 * sparse blobs are pooled, sorted and counted once. The answer is exactly what decoding every blob and
 * merging the sketches would estimate: sparse while the union of the sparse entries stays within
 * `SPARSE_MAX` and no blob is dense, dense otherwise.
 * @module
 */
import { FORM_DENSE, HllDecodeError, blobForm, decodeSparse } from './codec.js'
import { MAX_RANK, histogram, newRegisters } from './dense.js'
import { denseEstimate } from './estimate.js'
import { maxDenseBlobs } from './simd.js'
import { SPARSE_MAX, entriesIntoRegisters, sortUnique, sparseEstimate } from './sparse.js'

/**
 * `estimateUnion` (`./hll.ts`); `useSimd = false` forces the JavaScript fallback (for tests and benches).
 * Throws `HllDecodeError` on a malformed blob.
 */
export function unionEstimate(blobs: Iterable<Uint8Array>, useSimd: boolean): number {
  const dense: Uint8Array[] = [] // iterated to the end before any shared WebAssembly memory is touched
  let entries = new Int32Array(256)
  let count = 0
  for (const blob of blobs) {
    if (blobForm(blob) === FORM_DENSE) {
      dense.push(blob)
      continue
    }
    const list = decodeSparse(blob)
    if (count + list.count > entries.length) {
      const grown = new Int32Array(Math.max(entries.length * 2, count + list.count))
      grown.set(entries.subarray(0, count))
      entries = grown
    }
    entries.set(list.entries.subarray(0, list.count), count)
    count += list.count
  }
  if (dense.length === 0) {
    count = sortUnique(entries, count)
    if (count <= SPARSE_MAX) return sparseEstimate(count)
  }
  const regs = newRegisters()
  maxDenseBlobs(dense, regs, useSimd)
  entriesIntoRegisters(entries, count, regs)
  const hist = histogram(regs)
  for (let v = MAX_RANK + 1; v < hist.length; v++) {
    if (hist[v] !== 0) throw new HllDecodeError(`hll: a dense register holds ${v}, over ${MAX_RANK}`)
  }
  return denseEstimate(hist)
}
