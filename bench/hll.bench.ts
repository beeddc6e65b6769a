/**
 * Micro benchmark of the unique-visitor HyperLogLog (src/hll/): add() on sparse and dense sketches, the
 * drain worker's per-batch cycle (decode → add → encode), encode/decode, and the read path — the union
 * of a year of dense day sketches and of a day of sparse quarter-hour sketches — next to its JavaScript
 * fallback (no WebAssembly) and the naive decode-and-merge of every blob. Add tasks run BATCH hashes per sample; the
 * second table divides.
 *
 *   node esbuild.config.mjs && node dist/bench/hll.bench.js
 */
import { Bench } from 'tinybench'
import { HyperLogLog, estimateUnion } from '../src/hll/index.js'
import { unionEstimate } from '../src/hll/union.js'

const BATCH = 256
const DAYS = 365
const DAY_VISITORS = 20_000
const QUARTERS = 96

// Visitor hashes are uniformly random bytes; a seeded splitmix32 makes them much faster than SHA-256
// (7.3M of them for the year of days) and the run repeatable. add() reads bytes 0..7 only.
let seed = 0x2545f491
function next32(): number {
  seed = (seed + 0x9e3779b9) | 0
  let z = seed
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return z ^ (z >>> 16)
}
function randomHash(): Uint8Array {
  const hash = new Uint8Array(16)
  const view = new DataView(hash.buffer)
  for (let i = 0; i < 16; i += 4) view.setInt32(i, next32())
  return hash
}
const scratchHash = new Uint8Array(8)
const scratchView = new DataView(scratchHash.buffer)
function sketchOfRandom(visitors: number): HyperLogLog {
  const sketch = HyperLogLog.empty()
  for (let i = 0; i < visitors; i++) {
    scratchView.setInt32(0, next32())
    scratchView.setInt32(4, next32())
    sketch.add(scratchHash)
  }
  return sketch
}

const fresh = Array.from({ length: 1 << 16 }, randomHash) // never added to any sketch below
let f = 0
const nextFresh = (): Uint8Array => fresh[(f = (f + 1) & 0xffff)]!

const setup = performance.now()
const present = Array.from({ length: 1_000 }, randomHash)
const sparse1k = HyperLogLog.empty()
for (const h of present) sparse1k.add(h)
const sparse1kBlob = sparse1k.encode()
const sparse6kBlob = sketchOfRandom(6_000).encode()
const dense = sketchOfRandom(100_000)
const denseBlob = dense.encode()
const days = Array.from({ length: DAYS }, () => sketchOfRandom(DAY_VISITORS).encode())
// lmdb-js hands values back as Buffers at arbitrary offsets: these have their registers unaligned.
const daysUnaligned = days.map((blob) => Buffer.concat([Buffer.alloc(1), blob]).subarray(1))
// A page's visitor sketches over a year of months (a top list's row): sparse near the switch, and dense.
const monthsSparse = Array.from({ length: 12 }, () => sketchOfRandom(900).encode())
const monthsDense = Array.from({ length: 12 }, () => sketchOfRandom(20_000).encode())
const quarters = Array.from({ length: QUARTERS }, () =>
  sketchOfRandom(20 + Math.floor(((next32() >>> 0) / 2 ** 32) * 60)).encode(),
)
console.log(
  `setup: ${((performance.now() - setup) / 1000).toFixed(1)} s; blob bytes: sparse 1k ${sparse1kBlob.length}, ` +
    `sparse 6k ${sparse6kBlob.length}, dense ${denseBlob.length}, ${QUARTERS} quarters ` +
    `${quarters.reduce((s, q) => s + q.length, 0)} in all`,
)
console.log(
  `estimates: ${DAYS} days of ${DAY_VISITORS} → ${estimateUnion(days)} (exact ${DAYS * DAY_VISITORS}); ` +
    `${QUARTERS} quarters → ${estimateUnion(quarters)}`,
)

let sketch = HyperLogLog.empty()
let sink = 0
const bench = new Bench({ name: 'hll', time: 700, warmupTime: 150 })
bench
  .add(
    `add: sparse 1,000, new visitors (x${BATCH})`,
    () => {
      for (let i = 0; i < BATCH; i++) sink += +sketch.add(nextFresh())
    },
    { beforeEach: () => void (sketch = HyperLogLog.decode(sparse1kBlob)) },
  )
  .add(
    `add: sparse 6,000, new visitors (x${BATCH})`,
    () => {
      for (let i = 0; i < BATCH; i++) sink += +sketch.add(nextFresh())
    },
    { beforeEach: () => void (sketch = HyperLogLog.decode(sparse6kBlob)) },
  )
  .add(`add: sparse 1,000, visitors already in it (x${BATCH})`, () => {
    for (let i = 0; i < BATCH; i++) sink += +sparse1k.add(present[(f = (f + 1) & 511)]!)
  })
  .add(`add: dense 100,000, new visitors (x${BATCH})`, () => {
    for (let i = 0; i < BATCH; i++) sink += +dense.add(nextFresh())
  })
  .add(`drain cycle: decode sparse 1,000 + add ${BATCH} + encode`, () => {
    const s = HyperLogLog.decode(sparse1kBlob)
    for (let i = 0; i < BATCH; i++) s.add(nextFresh())
    sink += s.encode().length
  })
  .add(`drain cycle: decode dense + add ${BATCH} + encode`, () => {
    const s = HyperLogLog.decode(denseBlob)
    for (let i = 0; i < BATCH; i++) s.add(nextFresh())
    sink += s.encode().length
  })
  .add('encode: dense', () => void (sink += dense.encode().length))
  .add('decode: dense', () => void (sink += +HyperLogLog.decode(denseBlob).isSparse))
  .add('encode: sparse 1,000', () => void (sink += sparse1k.encode().length))
  .add('decode: sparse 1,000', () => void (sink += +HyperLogLog.decode(sparse1kBlob).isSparse))
  .add('estimate: dense', () => void (sink += dense.estimate()))
  .add(`estimateUnion: ${DAYS} dense day blobs`, () => void (sink += estimateUnion(days)))
  .add(`estimateUnion: ${DAYS} dense day blobs, unaligned Buffers`, () => void (sink += estimateUnion(daysUnaligned)))
  .add(`estimateUnion, JS SWAR fallback: ${DAYS} dense day blobs`, () => void (sink += unionEstimate(days, false)))
  .add(`estimateUnion: ${QUARTERS} sparse quarter-hour blobs`, () => void (sink += estimateUnion(quarters)))
  .add('estimateUnion: 12 sparse month blobs of 900 (union dense)', () => void (sink += estimateUnion(monthsSparse)))
  .add('estimateUnion: 12 dense month blobs', () => void (sink += estimateUnion(monthsDense)))
  .add(`naive: decode + merge ${DAYS} dense day blobs, estimate`, () => {
    const union = HyperLogLog.decode(days[0]!)
    for (let d = 1; d < DAYS; d++) union.merge(HyperLogLog.decode(days[d]!))
    sink += union.estimate()
  })
  .add(`naive: decode + merge ${QUARTERS} sparse blobs, estimate`, () => {
    const union = HyperLogLog.empty()
    for (const q of quarters) union.merge(HyperLogLog.decode(q))
    sink += union.estimate()
  })

await bench.run()
console.log(bench.name)
console.table(bench.table())
console.table(
  bench.tasks.map((task) => {
    const r = task.result as { state?: string; latency?: { mean: number; p99: number } } | undefined
    const per = task.name.includes(`(x${BATCH})`) ? BATCH : 1
    return {
      task: task.name.replace(` (x${BATCH})`, per > 1 ? ', per hash' : ''),
      'µs/op (mean)': r?.latency ? ((r.latency.mean * 1e3) / per).toFixed(3) : r?.state,
      'µs/op (p99)': r?.latency ? ((r.latency.p99 * 1e3) / per).toFixed(3) : '',
    }
  }),
)
if (sink === 42) console.log('') // keep `sink` observable
