/**
 * Micro benchmark of the GCRA limiter (src/limiter/gcra.ts) and of the time encodings it was chosen
 * over. Every task runs BATCH operations per sample so tinybench's per-call overhead (~40 ns) does not
 * swamp the ~100 ns being measured; the second table divides by BATCH.
 *
 *   node esbuild.config.mjs && node dist/bench/limiter.bench.js
 */
import { Bench } from 'tinybench'
import { createLimiterTable, halfSipHash64, RateLimiter } from '../src/limiter/gcra.js'

const BATCH = 1000
const KEYS = 10_000

// Synthetic clock, advanced 1 µs per call, so results do not depend on the machine's clock cost
// (the real default clock is measured on its own below).
let t = 1_760_000_000_000
const now = () => (t += 0.001)

const hotLimited = new RateLimiter(createLimiterTable(), { rate: 1, burst: 10 }, { now })
const hotAdmitted = new RateLimiter(createLimiterTable(), { rate: 1e9, burst: 1_000_000 }, { now })
const realClock = new RateLimiter(createLimiterTable(), { rate: 1, burst: 10 })
const rotating = new RateLimiter(createLimiterTable(), { rate: 10, burst: 20 }, { now })
const hot = Uint8Array.of(203, 0, 113, 7)
const v4Keys = Array.from({ length: KEYS }, (_, i) => Uint8Array.of(10, (i >> 16) & 255, (i >> 8) & 255, i & 255))
const v6Keys = Array.from({ length: KEYS }, (_, i) =>
  Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, (i >> 16) & 255, (i >> 8) & 255, i & 255),
)
let k = 0
let sink = 0

// The decision + CAS step alone, with each TAT encoding, on 1024 slots (time in ns since an epoch).
// Admitted runs use `open` (always drained); refused runs use slot 0 of `full`, primed in the future.
const SLOTS = 1024
function slots(bytes: number) {
  const buf = new SharedArrayBuffer(bytes)
  return { i64: new BigInt64Array(buf), i32: new Int32Array(buf) } // two views of the same words
}
type Slots = ReturnType<typeof slots>
const open = slots(SLOTS * 8)
const full = slots(64)
const T = 1000
const TAU = T * 1000
let nowNs = 1e12
const TN = BigInt(T)
const TAUN = BigInt(TAU)

/** Chosen: int64 ns in a BigInt64Array, arithmetic on Numbers. */
function stepInt64Number(s: Slots, i: number): number {
  const cur = Atomics.load(s.i64, i)
  const tat = Number(cur)
  // biome-ignore lint/complexity/useMathMinMax: the same expression as src/limiter/gcra.ts, whose cost this measures
  const next = (tat > nowNs ? tat : nowNs) + T
  if (next - TAU - nowNs > 0) return 1
  return Atomics.compareExchange(s.i64, i, cur, BigInt(next)) === cur ? 0 : 2
}
/** Alternative: the same in BigInt arithmetic throughout. */
function stepAllBigInt(s: Slots, i: number): number {
  const n = BigInt(nowNs)
  const cur = Atomics.load(s.i64, i)
  const next = (cur > n ? cur : n) + TN
  if (next - TAUN - n > 0n) return 1
  return Atomics.compareExchange(s.i64, i, cur, next) === cur ? 0 : 2
}
/** Alternative: read the two Int32 halves (no BigInt on a refusal), BigInt only for the CAS. */
function stepHalves(s: Slots, i: number): number {
  const tat = Atomics.load(s.i32, 2 * i + 1) * 2 ** 32 + (Atomics.load(s.i32, 2 * i) >>> 0)
  // biome-ignore lint/complexity/useMathMinMax: the same expression as src/limiter/gcra.ts, whose cost this measures
  const next = (tat > nowNs ? tat : nowNs) + T
  if (next - TAU - nowNs > 0) return 1
  const cur = Atomics.load(s.i64, i)
  if (Number(cur) !== tat) return 2
  return Atomics.compareExchange(s.i64, i, cur, BigInt(next)) === cur ? 0 : 2
}
/** Alternative (a sketch from the limiter's design): int32 µs relative to an epoch, compared mod 2^32. Wraps
 *  after 36 min idle and cannot hold a 0.01/s rate's 100 s steps next to 1 µs ones: shown for cost. */
function stepInt32Wrapping(s: Slots, i: number): number {
  const n = (nowNs / 1000) | 0
  const tat = Atomics.load(s.i32, i)
  const next = ((((tat - n) | 0) > 0 ? tat : n) + 1) | 0
  if (((next - 1000 - n) | 0) > 0) return 1
  return Atomics.compareExchange(s.i32, i, tat, next) === tat ? 0 : 2
}
/** Puts the refusal slot far ahead of now: int64 slot 1 (bytes 8..15) and int32 word 0 (bytes 0..3). */
function primeFull(): void {
  Atomics.store(full.i64, 1, BigInt(nowNs + 2 ** 40))
  Atomics.store(full.i32, 0, ((nowNs / 1000) | 0) + 2 ** 29)
}

const bench = new Bench({ time: 700, warmupTime: 200 })
bench
  .add(`admit: hot key, refused (x${BATCH})`, () => {
    for (let i = 0; i < BATCH; i++) sink += hotLimited.admit(hot)
  })
  .add(`admit: hot key, admitted (CAS) (x${BATCH})`, () => {
    for (let i = 0; i < BATCH; i++) sink += hotAdmitted.admit(hot)
  })
  .add(`admit: hot key, real clock (x${BATCH})`, () => {
    for (let i = 0; i < BATCH; i++) sink += realClock.admit(hot)
  })
  .add(`admit: rotating ${KEYS} IPv4 keys (x${BATCH})`, () => {
    for (let i = 0; i < BATCH; i++) sink += rotating.admit(v4Keys[(k = k + 1 === KEYS ? 0 : k + 1)]!)
  })
  .add(`admit: rotating ${KEYS} IPv6 /64 keys (x${BATCH})`, () => {
    for (let i = 0; i < BATCH; i++) sink += rotating.admit(v6Keys[(k = k + 1 === KEYS ? 0 : k + 1)]!)
  })
  .add(`HalfSipHash-2-4/64 of id+4 bytes, incl. result pair (x${BATCH})`, () => {
    for (let i = 0; i < BATCH; i++) sink += halfSipHash64(1, 2, 3, hot)[0]
  })
  .add(`clock: performance.timeOrigin + now() (x${BATCH})`, () => {
    for (let i = 0; i < BATCH; i++) sink += performance.timeOrigin + performance.now()
  })
for (const [name, step, slot] of [
  ['int64 ns, Number math (chosen)', stepInt64Number, 1],
  ['int64 ns, all-BigInt math', stepAllBigInt, 1],
  ['int64 ns, Int32-halves read', stepHalves, 1],
  ['int32 µs relative, wrapping', stepInt32Wrapping, 0],
] as const) {
  bench.add(`TAT step admitted: ${name} (x${BATCH})`, () => {
    for (let i = 0; i < BATCH; i++) {
      nowNs += 2 * TAU // always drained: admitted, CAS taken
      sink += step(open, i & (SLOTS - 1))
    }
  })
  bench.add(`TAT step refused: ${name} (x${BATCH})`, () => {
    primeFull()
    for (let i = 0; i < BATCH; i++) sink += step(full, slot)
  })
}

await bench.run()
console.table(bench.table())
console.table(
  bench.tasks.map((task) => {
    const r = task.result as { state?: string; latency?: { mean: number } } | undefined
    return {
      task: task.name.replace(` (x${BATCH})`, ''),
      'ns/op': r?.latency ? ((r.latency.mean * 1e6) / BATCH).toFixed(1) : r?.state,
    }
  }),
)
if (sink === 42) console.log('') // keep `sink` observable
