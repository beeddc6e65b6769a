/**
 * Per-key GCRA rate limiter in a SharedArrayBuffer table shared by every HTTP thread (layout: ./layout.ts).
 *
 * GCRA keeps one number per key, the theoretical arrival time (TAT). With T = 1/rate and tau = T·burst,
 * a request at `now` is admitted iff max(TAT, now) + T − tau <= now, and then TAT := max(TAT, now) + T:
 * a fresh key passes `burst` requests back to back, then one per T (golang x/time/rate with bucket size
 * `burst`; redis-cell's max_burst is burst − 1, brandur/redis-cell src/cell/mod.rs).
 *
 * Concurrency: a TAT only changes by Atomics.compareExchange from the value the decision was computed
 * on, so admissions are exact GCRA over one linear history, and a refusal computed from an older
 * (smaller) TAT is still a refusal. Known leaks, each worth at most one request or one burst per race:
 * a slot reclaimed while its owner updates it, a key inserted twice when two threads disagree by
 * nanoseconds on whether a slot has drained, CAS retries exhausted (fail open), clock skew between threads.
 *
 * Time: int64 ns since the table epoch (the first clock reading of any RateLimiter on the table) in a
 * BigInt64Array, with the arithmetic on Numbers: exact for 2^53 ns = 104 days, then on a 2, 4 … ns grid
 * (int64 itself lasts 292 years). So no wrap at any idle time, no sweeper, and 1 ns steps for 10^6/s next
 * to 100 s steps for 0.01/s. Rejected: int32 ms/µs relative to an epoch, compared mod 2^32 (wraps after
 * 24.9 days / 35.8 min idle and cannot span both ends of the rate range); a float64 in two int32 words
 * under a seqlock (writers must exclude each other, and a thread killed mid-write wedges the slot).
 * Measured (bench/limiter.bench.ts, 2-core Node 20): the TAT step costs ~75 ns admitted / ~36 ns
 * refused, against ~33 / ~18 ns for int32; all-BigInt math is 64 / 44 ns. A whole admit is ~120-170 ns.
 * @module
 */
import { randomFillSync } from 'node:crypto'
import * as L from './layout.js'

export interface LimiterOptions {
  /** Sustained events per second, > 0 (0.01 … 1e6 tested; T is rounded to whole ns, so at most 1e9). */
  rate: number
  /** Requests a fresh key may send at once: an integer >= 1. */
  burst: number
}

export interface LimiterStats {
  /** Admitted by GCRA. Fail-open admissions are counted in casExhausted / failOpen instead. */
  allowed: number
  limited: number
  /** Admitted because MAX_CAS_ATTEMPTS compare-and-swaps all lost to other threads. */
  casExhausted: number
  /** Admitted because no slot of the probe window was free or drained (table under pressure). */
  failOpen: number
  /** Drained slots taken over by another key. */
  evictions: number
}

/** Creates a zeroed table of `capacity` slots (a power of two, 8 … 2^26) with a fresh random hash seed. */
export function createLimiterTable(capacity: number = L.DEFAULT_CAPACITY): SharedArrayBuffer {
  if (
    !Number.isInteger(capacity) ||
    capacity < L.PROBE_WINDOW ||
    capacity > 2 ** 26 ||
    (capacity & (capacity - 1)) !== 0
  ) {
    throw new RangeError(`limiter capacity must be a power of two between ${L.PROBE_WINDOW} and 2^26, got ${capacity}`)
  }
  const table = new SharedArrayBuffer(L.tableBytes(capacity))
  const header = new Int32Array(table, 0, 16)
  header[L.H_CAPACITY] = capacity
  header[L.H_PROBE] = L.PROBE_WINDOW
  randomFillSync(header.subarray(L.H_SEED0, L.H_SEED1 + 1))
  new BigInt64Array(table, L.tatsByte(capacity), capacity).fill(L.EMPTY_TAT)
  Atomics.store(header, L.H_MAGIC, L.MAGIC)
  return table
}

/** Second word of the last fingerprint() result: a module variable instead of an allocated pair. */
let fpHi = 0

/**
 * HalfSipHash-2-4 with 64-bit output (Aumasson, veorq/SipHash halfsiphash.c) of the message
 * `id (u32 LE) ‖ key`, keyed by (k0, k1). A keyed PRF rather than a seeded Murmur-style mix, so clients
 * cannot pick addresses that collide in one probe window. Returns the low word; the high word is in fpHi.
 */
function fingerprint(k0: number, k1: number, id: number, key: Uint8Array): number {
  const len = key.length
  const whole = (len + 4) >> 2 // whole 4-byte words of the message, the id included
  let v0 = k0
  let v1 = k1 ^ 0xee
  let v2 = k0 ^ 0x6c796765
  let v3 = k1 ^ 0x74656462
  let m = id | 0
  for (let w = 0; ; ) {
    v3 ^= m
    for (let r = 0; r < 2; r++) {
      v0 = (v0 + v1) | 0
      v1 = ((v1 << 5) | (v1 >>> 27)) ^ v0
      v0 = (v0 << 16) | (v0 >>> 16)
      v2 = (v2 + v3) | 0
      v3 = ((v3 << 8) | (v3 >>> 24)) ^ v2
      v0 = (v0 + v3) | 0
      v3 = ((v3 << 7) | (v3 >>> 25)) ^ v0
      v2 = (v2 + v1) | 0
      v1 = ((v1 << 13) | (v1 >>> 19)) ^ v2
      v2 = (v2 << 16) | (v2 >>> 16)
    }
    v0 ^= m
    if (++w > whole) break
    const o = (w - 1) << 2
    if (w < whole) m = key[o] | (key[o + 1] << 8) | (key[o + 2] << 16) | (key[o + 3] << 24)
    else {
      // Last block: the 0-3 leftover bytes and the message length in the top byte.
      const left = len - o
      m = (len + 4) << 24
      if (left > 2) m |= key[o + 2] << 16
      if (left > 1) m |= key[o + 1] << 8
      if (left > 0) m |= key[o]
    }
  }
  v2 ^= 0xee
  let lo = 0
  for (let r = 0; r < 8; r++) {
    if (r === 4) {
      lo = v1 ^ v3
      v1 ^= 0xdd
    }
    v0 = (v0 + v1) | 0
    v1 = ((v1 << 5) | (v1 >>> 27)) ^ v0
    v0 = (v0 << 16) | (v0 >>> 16)
    v2 = (v2 + v3) | 0
    v3 = ((v3 << 8) | (v3 >>> 24)) ^ v2
    v0 = (v0 + v3) | 0
    v3 = ((v3 << 7) | (v3 >>> 25)) ^ v0
    v2 = (v2 + v1) | 0
    v1 = ((v1 << 13) | (v1 >>> 19)) ^ v2
    v2 = (v2 << 16) | (v2 >>> 16)
  }
  fpHi = v1 ^ v3
  return lo
}

/** For tests against the reference vectors: [low word, high word] as unsigned 32-bit numbers. */
export function halfSipHash64(k0: number, k1: number, id: number, key: Uint8Array): [number, number] {
  const lo = fingerprint(k0 | 0, k1 | 0, id, key)
  return [lo >>> 0, fpHi >>> 0]
}

const ORIGIN = performance.timeOrigin
const defaultClock = (): number => ORIGIN + performance.now()
const LOST_RACE = -2
/** The int64 whose Int32 words (at 2i, 2i+1 of the key array) are (lo, hi): typed arrays use the
 *  platform's byte order, and Node also runs on big-endian s390x. */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1
const toInt64 = (lo: number, hi: number): bigint =>
  LITTLE_ENDIAN ? (BigInt(hi) << 32n) | BigInt(lo >>> 0) : (BigInt(lo) << 32n) | BigInt(hi >>> 0)
const EPSILON = 2 ** -52

export class RateLimiter {
  readonly #keys32: Int32Array
  readonly #keys64: BigInt64Array
  readonly #tats: BigInt64Array
  readonly #counters: Int32Array
  readonly #mask: number
  readonly #probe: number
  readonly #k0: number
  readonly #k1: number
  readonly #id: number
  readonly #T: number // emission interval, whole ns
  readonly #tau: number // T · burst
  readonly #epochMs: number
  readonly #clock: () => number

  constructor(
    table: SharedArrayBuffer,
    options: LimiterOptions,
    opts: { limiterId?: number; now?: () => number } = {},
  ) {
    const header =
      table instanceof SharedArrayBuffer && table.byteLength >= L.KEYS_BYTE ? new Int32Array(table, 0, 16) : null
    if (header === null || Atomics.load(header, L.H_MAGIC) !== L.MAGIC)
      throw new TypeError('RateLimiter: table must come from createLimiterTable()')
    const { rate, burst } = options
    const id = opts.limiterId ?? 0
    if (!(rate > 0 && Number.isFinite(rate)))
      throw new RangeError(`RateLimiter: rate must be a finite number > 0, got ${rate}`)
    if (!Number.isInteger(burst) || burst < 1)
      throw new RangeError(`RateLimiter: burst must be an integer >= 1, got ${burst}`)
    if (!Number.isInteger(id) || id < 0 || id > 0xffffffff)
      throw new RangeError(`RateLimiter: limiterId must be a uint32, got ${id}`)
    const capacity = header[L.H_CAPACITY]
    this.#T = Math.max(1, Math.round(1e9 / rate))
    this.#tau = this.#T * burst
    if (this.#tau > 2 ** 61) throw new RangeError('RateLimiter: burst / rate spans more than 73 years')
    this.#mask = capacity - 1
    this.#probe = header[L.H_PROBE]
    this.#k0 = header[L.H_SEED0]
    this.#k1 = header[L.H_SEED1]
    this.#id = id | 0
    this.#keys32 = new Int32Array(table, L.KEYS_BYTE, 2 * capacity)
    this.#keys64 = new BigInt64Array(table, L.KEYS_BYTE, capacity)
    this.#tats = new BigInt64Array(table, L.tatsByte(capacity), capacity)
    this.#counters = new Int32Array(table, 0, L.KEYS_BYTE >> 2)
    this.#clock = opts.now ?? defaultClock
    // The first limiter on the table fixes the epoch; everyone else adopts it, so TATs compare across threads.
    const word = new BigInt64Array(table, 0, 8)
    const mine = BigInt(Math.floor(this.#clock())) ^ L.EPOCH_TAG
    const seen = Atomics.compareExchange(word, L.H_EPOCH_I64, 0n, mine)
    this.#epochMs = Number((seen === 0n ? mine : seen) ^ L.EPOCH_TAG)
  }

  /**
   * Decides one request for `key` (e.g. limiterKeyBytes(ip)). Returns 0 when admitted, otherwise the
   * milliseconds (> 0, possibly fractional: round up for Retry-After) until a request would be admitted.
   * Never blocks; admits (fails open) when the table or the CAS retries give out.
   */
  admit(key: Uint8Array): number {
    const now = Math.round((this.#clock() - this.#epochMs) * 1e6)
    let lo = fingerprint(this.#k0, this.#k1, this.#id, key)
    const hi = fpHi
    if ((lo | hi) === 0) lo = 1 // 0 marks a never-used slot
    for (let attempt = 0; attempt < L.MAX_CAS_ATTEMPTS; attempt++) {
      const i = this.#slot(lo, hi, now)
      if (i === LOST_RACE) continue
      if (i < 0) return this.#count(L.C_FAIL_OPEN, 0)
      const cur = Atomics.load(this.#tats, i)
      const tat = Number(cur)
      // biome-ignore lint/complexity/useMathMinMax: the hot path's compare-and-pick, as bench/limiter.bench.ts measures
      const newTat = (tat > now ? tat : now) + this.#T
      const wait = newTat - this.#tau - now // allow_at − now
      // Past 2^53 ns (104 days) sums round to a 2, 4 … ns grid: a wait within one grid step is no wait.
      if (wait > Math.abs(newTat) * EPSILON) return this.#count(L.C_LIMITED, wait / 1e6)
      if (Atomics.compareExchange(this.#tats, i, cur, BigInt(newTat)) === cur) return this.#count(L.C_ALLOWED, 0)
    }
    return this.#count(L.C_CAS_EXHAUSTED, 0)
  }

  /** Table-wide counters (shared by every limiter and thread on this table) for /metrics. */
  stats(): LimiterStats {
    return {
      allowed: this.#read(L.C_ALLOWED),
      limited: this.#read(L.C_LIMITED),
      casExhausted: this.#read(L.C_CAS_EXHAUSTED),
      failOpen: this.#read(L.C_FAIL_OPEN),
      evictions: this.#read(L.C_EVICTIONS),
    }
  }

  /**
   * Finds the slot of (lo, hi) in its probe window, or claims the first never-used or drained one.
   * Returns -1 when none qualifies, LOST_RACE when another key won the claim (the caller retries).
   */
  #slot(lo: number, hi: number, now: number): number {
    const keys = this.#keys32
    let free = -1
    let expected = 0n
    for (let p = 0, i = lo & this.#mask; p < this.#probe; p++, i = (i + 1) & this.#mask) {
      const klo = Atomics.load(keys, 2 * i)
      const khi = Atomics.load(keys, 2 * i + 1)
      if (klo === lo && khi === hi) return i
      if ((klo | khi) === 0) {
        // Slots are never emptied, so no key of this window was ever placed beyond a never-used one.
        if (free < 0) free = i // expected stays 0n
        break
      }
      // A drained slot: reclaim it for this key. The owner was read before its TAT, so if the slot changed
      // hands in between the claim CAS fails (a torn lo/hi pair fails it too). A key whose TAT is still
      // EMPTY_TAT was claimed a moment ago and not charged yet: taking it would let its owner's first
      // admission land on this key's slot (one thread then got burst + 1, another burst - 1).
      if (free < 0) {
        const tat = Atomics.load(this.#tats, i)
        if (tat !== L.EMPTY_TAT && Number(tat) <= now) {
          free = i
          expected = toInt64(klo, khi)
        }
      }
    }
    if (free < 0) return -1
    const fp = toInt64(lo, hi)
    const seen = Atomics.compareExchange(this.#keys64, free, expected, fp)
    if (seen === expected) {
      if (expected !== 0n) this.#count(L.C_EVICTIONS, 0)
      return free
    }
    return seen === fp ? free : LOST_RACE
  }

  #count(counter: number, result: number): number {
    const i = L.counterIndex(counter)
    if (Atomics.add(this.#counters, i, 1) === -1) Atomics.add(this.#counters, i + 1, 1) // carry 0xffffffff → 0
    return result
  }

  #read(counter: number): number {
    const i = L.counterIndex(counter)
    for (;;) {
      // The high word moves once per 2^32 increments: a changed one means the low word just wrapped.
      const hi = Atomics.load(this.#counters, i + 1)
      const lo = Atomics.load(this.#counters, i)
      if (Atomics.load(this.#counters, i + 1) === hi) return (hi >>> 0) * 2 ** 32 + (lo >>> 0)
    }
  }
}
