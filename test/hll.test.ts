/**
 * HyperLogLog of unique visitors, against exact counts. Visitor ids are 16-byte SHA-256 outputs of
 * distinct strings, like the real ones (two per digest: bytes 0..15 and 16..31), so every run sees the
 * same sketches and the same errors; the observed errors are printed.
 */
import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import {
  HLL_PRECISION,
  HllDecodeError,
  HyperLogLog,
  SPARSE_MAX,
  addIntoDenseBlob,
  estimateUnion,
} from '../src/hll/index.js'
import { UnionBuilder, unionEstimate, unionOf } from '../src/hll/union.js'

const TOLERANCE = 0.02 // the product requirement; the standard error at p = 14 is ≈ 0.81 %
const DENSE_BLOB_BYTES = 4 + (1 << HLL_PRECISION)

/** Visitor ids `[from, to)` of one deterministic stream (cached: the 1M case reuses the smaller ones). */
const pool: Uint8Array[] = []
function ids(from: number, to: number): Uint8Array[] {
  for (let i = pool.length >> 1; pool.length < to; i++) {
    const digest = createHash('sha256').update(`visitor:${i}`).digest()
    pool.push(digest.subarray(0, 16), digest.subarray(16, 32))
  }
  return pool.slice(from, to)
}

function sketchOf(visitors: Uint8Array[]): HyperLogLog {
  const sketch = HyperLogLog.empty()
  for (const v of visitors) sketch.add(v)
  return sketch
}

function relError(estimate: number, exact: number): number {
  return (estimate - exact) / exact
}

function report(what: string, estimate: number, exact: number): void {
  console.log(
    `hll ${what}: exact ${exact}, estimate ${estimate}, error ${(relError(estimate, exact) * 100).toFixed(3)} %`,
  )
}

/** A version-1 dense blob with every register empty (the documented layout), to get a dense sketch. */
function emptyDenseBlob(): Uint8Array {
  const blob = new Uint8Array(DENSE_BLOB_BYTES)
  blob[0] = 1
  blob[1] = 2
  return blob
}

describe('accuracy against exact counts', () => {
  test('100,000 visitors: estimate within 2 %', () => {
    const sketch = sketchOf(ids(0, 100_000))
    expect(sketch.isSparse).toBe(false)
    report('100k', sketch.estimate(), 100_000)
    expect(Math.abs(relError(sketch.estimate(), 100_000))).toBeLessThan(TOLERANCE)
  })

  test.each([1_000, 10_000, 50_000, 100_000, 1_000_000])('%i visitors: estimate within 2 %', (n) => {
    const started = performance.now()
    const sketch = sketchOf(ids(0, n))
    const estimate = sketch.estimate()
    report(`${n} (${(performance.now() - started).toFixed(0)} ms)`, estimate, n)
    expect(Math.abs(relError(estimate, n))).toBeLessThan(TOLERANCE)
    expect(estimateUnion([sketch.encode()])).toBe(estimate)
  })

  test('the standard error (RMS over 16 independent sketches of 20,000) is far below 2 %', () => {
    let sumSquares = 0
    for (let k = 0; k < 16; k++)
      sumSquares += relError(sketchOf(ids(k * 20_000, (k + 1) * 20_000)).estimate(), 20_000) ** 2
    const rms = Math.sqrt(sumSquares / 16)
    console.log(`hll standard error (RMS of 16 × 20k): ${(rms * 100).toFixed(3)} %`)
    expect(rms).toBeLessThan(0.013) // 1.04/√m ≈ 0.81 % asymptotically; lower in this mid range
  })

  test.each([0, 1, 2, 10, 100])('%i visitors: exact (±1), sparse, and the same after a round trip', (n) => {
    const sketch = sketchOf(ids(0, n))
    expect(sketch.isSparse).toBe(true)
    expect(Math.abs(sketch.estimate() - n)).toBeLessThanOrEqual(1)
    expect(HyperLogLog.decode(sketch.encode()).estimate()).toBe(sketch.estimate())
    expect(estimateUnion([sketch.encode()])).toBe(sketch.estimate())
  })

  test('the dense estimator is accurate at small counts too (a dense sketch with few visitors)', () => {
    for (const n of [1, 2, 10, 100, 1_000, 5_000]) {
      const dense = HyperLogLog.decode(emptyDenseBlob())
      dense.merge(sketchOf(ids(200_000, 200_000 + n)))
      expect(dense.isSparse).toBe(false)
      if (n >= 1_000) expect(Math.abs(relError(dense.estimate(), n))).toBeLessThan(TOLERANCE)
      else expect(Math.abs(dense.estimate() - n)).toBeLessThanOrEqual(Math.max(1, n * 0.02))
    }
    expect(HyperLogLog.decode(emptyDenseBlob()).estimate()).toBe(0)
  })
})

describe('adding', () => {
  test.each([100, 20_000])('duplicates do not change a sketch of %i visitors', (n) => {
    const visitors = ids(0, n)
    const sketch = sketchOf(visitors)
    const blob = sketch.encode()
    const estimate = sketch.estimate()
    for (const v of visitors.reverse()) expect(sketch.add(Uint8Array.from(v))).toBe(false)
    expect(sketch.estimate()).toBe(estimate)
    expect(sketch.encode()).toEqual(blob)
  })

  test('add reports a change for new visitors and refuses a hash under 8 bytes', () => {
    const sketch = HyperLogLog.empty()
    expect(sketch.add(ids(0, 1)[0])).toBe(true)
    expect(sketch.add(ids(0, 1)[0])).toBe(false)
    expect(sketch.add(ids(0, 1)[0].subarray(0, 8))).toBe(false) // only bytes 0..7 count
    expect(() => sketch.add(new Uint8Array(7))).toThrow(RangeError)
  })

  test('the sparse → dense switch keeps the estimate, and encode() picks the smaller form', () => {
    const visitors = ids(0, 12_000)
    const sketch = HyperLogLog.empty()
    let added = 0
    let before = 0
    while (sketch.isSparse) {
      before = sketch.estimate()
      if (added % 512 === 0) expect(sketch.encode().length).toBeLessThan(DENSE_BLOB_BYTES)
      sketch.add(visitors[added++])
    }
    expect(added).toBeGreaterThan(SPARSE_MAX) // a few visitors share a 25-bit index
    const after = sketch.estimate()
    report(`switch after ${added} visitors (sparse ${before})`, after, added)
    expect(Math.abs(relError(before, added - 1))).toBeLessThan(0.001)
    expect(Math.abs(relError(after, added))).toBeLessThan(TOLERANCE)
    expect(sketch.encode().length).toBe(DENSE_BLOB_BYTES)
    // From here on the dense sketch equals one built by merging sparse parts: same registers.
    for (const v of visitors.slice(added)) sketch.add(v)
    const merged = sketchOf(visitors.slice(0, 4_000))
    merged.merge(sketchOf(visitors.slice(4_000, 8_000)))
    merged.merge(sketchOf(visitors.slice(8_000)))
    expect(merged.encode()).toEqual(sketch.encode())
  })
})

describe('merging', () => {
  test('seven days sharing 50 % of their visitors with the next: union within 2 %', () => {
    // day d sees visitors [10k·d, 10k·d + 20k): 20k a day, 80k in all
    const days = Array.from({ length: 7 }, (_, d) => sketchOf(ids(d * 10_000, d * 10_000 + 20_000)))
    const week = HyperLogLog.empty()
    for (const day of days) week.merge(day)
    report('7 overlapping days (merge)', week.estimate(), 80_000)
    expect(Math.abs(relError(week.estimate(), 80_000))).toBeLessThan(TOLERANCE)
    expect(estimateUnion(days.map((d) => d.encode()))).toBe(week.estimate())
    expect(week.encode()).toEqual(sketchOf(ids(0, 80_000)).encode()) // merge = the sketch of the union
  })

  test('96 overlapping sparse quarter-hours: union exact (±1) and still sparse', () => {
    const quarters = Array.from({ length: 96 }, (_, q) => ids(q * 8, q * 8 + 16)) // each shares 8 with the next
    const day = HyperLogLog.empty()
    for (const q of quarters) day.merge(sketchOf(q))
    const exact = 96 * 8 + 8 // within SPARSE_MAX
    expect(exact).toBeLessThanOrEqual(SPARSE_MAX)
    expect(day.isSparse).toBe(true)
    expect(Math.abs(day.estimate() - exact)).toBeLessThanOrEqual(1)
    expect(estimateUnion(quarters.map((q) => sketchOf(q).encode()))).toBe(day.estimate())
  })

  test('sparse into dense and dense into sparse give the same registers as the union', () => {
    const big = ids(0, 30_000) // dense
    const small = ids(29_500, 30_500) // sparse, half of it in `big`
    const denseFirst = sketchOf(big)
    denseFirst.merge(sketchOf(small))
    const sparseFirst = sketchOf(small)
    expect(sparseFirst.isSparse).toBe(true)
    sparseFirst.merge(sketchOf(big))
    expect(sparseFirst.isSparse).toBe(false)
    const union = sketchOf(ids(0, 30_500))
    expect(denseFirst.encode()).toEqual(union.encode())
    expect(sparseFirst.encode()).toEqual(union.encode())
    expect(Math.abs(relError(union.estimate(), 30_500))).toBeLessThan(TOLERANCE)
  })

  test.each([
    [
      'sparse unions, their union still sparse',
      [
        [0, 300],
        [200, 500],
        [450, 700],
      ],
    ],
    [
      'sparse unions whose union is dense',
      [
        [0, 900],
        [800, 1_700],
        [1_600, 2_400],
      ],
    ],
    [
      'a dense union and sparse ones',
      [
        [0, 30_000],
        [29_500, 30_500],
        [40_000, 40_010],
      ],
    ],
    [
      'dense unions only',
      [
        [0, 20_000],
        [10_000, 30_000],
      ],
    ],
  ] as const)('a union of unions (addUnion) is the union of all their blobs: %s', (_what, groups) => {
    // Each group is the visitors of one goal over some buckets: three blobs, overlapping.
    const blobsOf = ([from, to]: readonly [number, number]) =>
      [0, 1, 2].map((k) => sketchOf(ids(from + k * ((to - from) >> 2), to)).encode())
    for (const simd of [true, false]) {
      const all = new UnionBuilder(simd)
      const each = groups.map((g) => {
        const one = new UnionBuilder(simd)
        for (const blob of blobsOf(g)) one.add(blob)
        all.addUnion(one)
        return one.estimate()
      })
      expect(each).toEqual(groups.map((g) => unionEstimate(blobsOf(g), simd)))
      expect(all.estimate()).toBe(unionEstimate(groups.flatMap(blobsOf), simd))
    }
  })

  test('merging leaves the other sketch alone; merging with itself changes nothing', () => {
    const a = sketchOf(ids(0, 50))
    const b = sketchOf(ids(50, 60))
    const bBlob = b.encode()
    a.merge(b)
    a.merge(a)
    expect(b.encode()).toEqual(bBlob)
    expect(a.estimate()).toBe(60)
  })
})

describe('encoding', () => {
  test.each([
    ['sparse', 500],
    ['dense', 50_000],
  ])('%s round trip: same bytes, same estimate, same representation', (kind, n) => {
    const sketch = sketchOf(ids(0, n))
    const blob = sketch.encode()
    expect(blob[0]).toBe(1)
    const copy = HyperLogLog.decode(blob)
    expect(copy.isSparse).toBe(kind === 'sparse')
    expect(copy.estimate()).toBe(sketch.estimate())
    expect(copy.encode()).toEqual(blob)
    // Stored values come back as Buffers at any offset of a larger buffer (lmdb-js, msgpack).
    const unaligned = Buffer.concat([Buffer.from([9]), blob]).subarray(1)
    expect(HyperLogLog.decode(unaligned).encode()).toEqual(blob)
    expect(estimateUnion([unaligned, blob])).toBe(sketch.estimate())
  })

  test("a sparse blob of more than SPARSE_MAX entries (another build's) decodes dense", () => {
    const count = SPARSE_MAX + 100
    const bytes = [1, 1, (count & 0x7f) | 0x80, count >> 7, 1] // count, then index 1
    for (let k = 1; k < count; k++) bytes.push(0x80, 0x20) // Δ 4096: indexes 4096k + 1, no rank byte
    const blob = Uint8Array.from(bytes)
    const sketch = HyperLogLog.decode(blob)
    expect(sketch.isSparse).toBe(false)
    expect(estimateUnion([blob])).toBe(sketch.estimate())
    expect(sketch.estimate()).toBeGreaterThan(count / 2) // the indexes are regular, not random: no accuracy claim
  })

  test('sparse blobs are a few bytes per visitor', () => {
    expect(HyperLogLog.empty().encode()).toEqual(Uint8Array.from([1, 1, 0]))
    expect(sketchOf(ids(0, 5)).encode().length).toBeLessThanOrEqual(3 + 5 * 5)
    expect(sketchOf(ids(0, 100)).encode().length).toBeLessThanOrEqual(3 + 100 * 4)
  })

  const sparse100 = (): Uint8Array => sketchOf(ids(0, 100)).encode()
  const withByte = (blob: Uint8Array, at: number, value: number): Uint8Array => {
    const copy = Uint8Array.from(blob)
    copy[at] = value
    return copy
  }
  test.each<[string, () => Uint8Array]>([
    ['empty', () => new Uint8Array(0)],
    ['wrong version', () => withByte(sparse100(), 0, 2)],
    ['version 0', () => withByte(emptyDenseBlob(), 0, 0)],
    ['unknown form', () => withByte(sparse100(), 1, 3)],
    ['truncated sparse', () => sparse100().subarray(0, 150)],
    ['sparse missing its last byte', () => sparse100().subarray(0, sparse100().length - 1)],
    ['trailing bytes after the sparse entries', () => Uint8Array.from([...sparse100(), 0])],
    ['a sparse count larger than the blob', () => Uint8Array.from([1, 1, 0xff, 0x7f, 1, 2])],
    ['sparse indexes not increasing', () => Uint8Array.from([1, 1, 2, 5, 0])],
    ['a sparse rank out of range', () => Uint8Array.from([1, 1, 1, 0, 41])],
    ['a sparse index out of range', () => Uint8Array.from([1, 1, 2, 1, 0xff, 0xff, 0xff, 0x7f])],
    ['truncated dense', () => emptyDenseBlob().subarray(0, DENSE_BLOB_BYTES - 1)],
    ['dense padding not zero', () => withByte(emptyDenseBlob(), 2, 1)],
    ['a dense register over 51', () => withByte(emptyDenseBlob(), 4 + 1234, 52)],
    ['a dense register over 63', () => withByte(emptyDenseBlob(), 4 + 16_383, 0x80)],
    ['random bytes', () => Uint8Array.from(createHash('sha256').update('garbage').digest())],
  ])('decode and estimateUnion reject a blob: %s', (_what, make) => {
    const blob = make()
    expect(() => HyperLogLog.decode(blob)).toThrow(HllDecodeError)
    expect(() => HyperLogLog.decode(blob)).toThrow(Error)
    expect(() => estimateUnion([emptyDenseBlob(), blob])).toThrow(HllDecodeError)
    expect(() => estimateUnion([blob])).toThrow(HllDecodeError)
    expect(() => unionEstimate([emptyDenseBlob(), blob], false)).toThrow(HllDecodeError) // the JS fallback
  })
})

describe('estimateUnion', () => {
  test('equals merging the decoded sketches, for sparse, dense and mixed ranges', () => {
    // 40 "days" of 10 .. 40,000 visitors, overlapping: small ones sparse, big ones dense
    const sizes = Array.from({ length: 40 }, (_, d) => Math.round(10 * 1.23 ** d))
    const blobs = sizes.map((size, d) => sketchOf(ids(d * 500, d * 500 + size)).encode())
    for (const range of [blobs.slice(0, 10), blobs.slice(0, 30), blobs.slice(25), blobs, [...blobs].reverse()]) {
      const merged = HyperLogLog.empty()
      for (const blob of range) merged.merge(HyperLogLog.decode(blob))
      expect(estimateUnion(range)).toBe(merged.estimate())
      expect(estimateUnion(range.values())).toBe(merged.estimate()) // any iterable
      expect(unionEstimate(range, false)).toBe(merged.estimate()) // the JS fallback (no WebAssembly)
    }
    expect(estimateUnion([])).toBe(0)
  })

  test('sparse blobs whose union passes the switch are counted dense, like merged sketches', () => {
    const blobs = Array.from({ length: 4 }, (_, k) => sketchOf(ids(k * 900, (k + 1) * 900)).encode())
    expect(blobs.every((b) => b[1] === 1)).toBe(true) // all sparse
    const merged = HyperLogLog.empty()
    for (const blob of blobs) merged.merge(HyperLogLog.decode(blob))
    expect(merged.isSparse).toBe(false)
    expect(estimateUnion(blobs)).toBe(merged.estimate())
    expect(Math.abs(relError(merged.estimate(), 3_600))).toBeLessThan(TOLERANCE)
  })

  test('hundreds of sparse blobs: a union that stays small is exact, one that does not is dense, both merged', () => {
    const same = Array.from({ length: 300 }, () => sketchOf(ids(0, 60)).encode()) // pooled: 18,000 entries, union 60
    const apart = Array.from({ length: 300 }, (_, k) => sketchOf(ids(k * 40, k * 40 + 50)).encode()) // union 12,010
    for (const blobs of [same, apart]) {
      const merged = HyperLogLog.empty()
      for (const blob of blobs) merged.merge(HyperLogLog.decode(blob))
      expect(estimateUnion(blobs)).toBe(merged.estimate())
      expect(unionEstimate(blobs, false)).toBe(merged.estimate())
    }
    expect(estimateUnion(same)).toBe(60)
  })

  test('unionOf reads each blob when added: one buffer reused for every blob gives the same answer', () => {
    const blobs = [
      sketchOf(ids(0, 30_000)).encode(),
      sketchOf(ids(100, 700)).encode(),
      sketchOf(ids(40_000, 41_000)).encode(),
      sketchOf(ids(50_000, 90_000)).encode(),
    ]
    const shared = new Uint8Array(DENSE_BLOB_BYTES + 8)
    const viaShared = unionOf((add) => {
      for (const b of blobs) {
        shared.fill(0xff) // what a reused read buffer holds next is anything
        shared.set(b, 3)
        add(shared.subarray(3, 3 + b.length))
      }
    })
    expect(viaShared).toBe(estimateUnion(blobs))
  })

  test('a union computed while another is open (from inside its loop) is right for both', () => {
    const a = [sketchOf(ids(0, 20_000)).encode(), sketchOf(ids(10_000, 30_000)).encode()]
    const b = [sketchOf(ids(50_000, 52_000)).encode(), sketchOf(ids(60_000, 61_500)).encode()]
    let inner = -1
    const outer = unionOf((add) => {
      add(a[0]!)
      inner = unionOf((add2) => b.forEach(add2)) // the WebAssembly registers are taken: JavaScript ones
      add(a[1]!)
    })
    expect(outer).toBe(estimateUnion(a))
    expect(inner).toBe(unionEstimate(b, false))
    expect(estimateUnion(b)).toBe(inner)
  })

  test('a malformed blob in a union throws, and the next union is still right', () => {
    const good = [sketchOf(ids(0, 20_000)).encode()]
    expect(() =>
      unionOf((add) => {
        add(good[0]!)
        add(Uint8Array.of(1, 9, 0))
      }),
    ).toThrow(HllDecodeError)
    expect(estimateUnion(good)).toBe(HyperLogLog.decode(good[0]!).estimate())
  })
})

describe("addIntoDenseBlob (the drain's in-place update)", () => {
  test('raises a stored dense blob exactly as decode + add + encode would, and says whether it changed', () => {
    const base = sketchOf(ids(0, 20_000))
    const blob = new Uint8Array(base.encode()) // own buffer: registers 4-aligned
    const more = ids(20_000, 20_300)
    const expected = HyperLogLog.decode(blob)
    for (const h of more) expected.add(h)
    expect(addIntoDenseBlob(blob, more)).toBe(true)
    expect(blob).toEqual(expected.encode())
    expect(addIntoDenseBlob(blob, more)).toBe(false) // the same visitors again: nothing to raise
  })

  test('declines sparse and unaligned blobs (the caller decodes them), and refuses corrupt registers', () => {
    expect(addIntoDenseBlob(sketchOf(ids(0, 10)).encode(), ids(10, 20))).toBeNull()
    const dense = sketchOf(ids(0, 20_000)).encode()
    const unaligned = new Uint8Array(dense.length + 1).subarray(1)
    unaligned.set(dense)
    expect(addIntoDenseBlob(unaligned, ids(0, 5))).toBeNull()
    const corrupt = new Uint8Array(dense)
    corrupt[100] = 60
    expect(() => addIntoDenseBlob(corrupt, ids(0, 5))).toThrow(HllDecodeError)
  })
})
