import { describe, expect, test } from 'vitest'
import { createLimiterTable, halfSipHash64, RateLimiter, type LimiterOptions } from '../src/limiter/gcra.js'
import { limiterKeyBytes, parseIp } from '../src/net/ip.js'

const DAY = 86_400_000
const key = (text: string) => limiterKeyBytes(parseIp(text)!)
const A = key('192.0.2.1')
const B = key('192.0.2.2')

/** A limiter on a fresh table with a hand-driven clock (ms). */
function setup(options: LimiterOptions, start = 0, capacity?: number) {
  const clock = { t: start }
  const table = createLimiterTable(capacity)
  const limiter = new RateLimiter(table, options, { now: () => clock.t })
  return { clock, table, limiter }
}

describe('fingerprint hash', () => {
  // HalfSipHash-2-4, 64-bit output: veorq/SipHash vectors.h `vectors_hsip64`, key 00..07, message 00..n-1.
  // Our message is limiterId (u32 LE) ‖ key, so message bytes 00..03 are the id 0x03020100.
  test.each([
    [4, 'd5e78a175be52ea1'],
    [5, 'cb9d7c3f2f3db580'],
    [6, 'ce3e91358aa2bc25'],
    [7, 'ff202728b07bc684'],
    [8, 'edfee820bce4858c'],
    [11, 'ae26333994ddcd48'],
    [12, '7bc71f9faef5c799'],
    [20, '1bf52b0a6feea7db'],
    [23, '4c2210e54b681d73'],
  ])('reference vector, %i-byte message', (n, hex) => {
    const msg = Uint8Array.from({ length: n }, (_, i) => i)
    const [lo, hi] = halfSipHash64(0x03020100, 0x07060504, 0x03020100, msg.subarray(4))
    const out = Buffer.alloc(8)
    out.writeUInt32LE(lo, 0)
    out.writeUInt32LE(hi, 4)
    expect(out.toString('hex')).toBe(hex)
  })
})

describe('GCRA decisions', () => {
  // brandur/redis-cell `it_rate_limits` (max_burst 4 = our burst 5, 1/s), rows 0-11 with quantity 1
  // (this API has no quantity), then rows of our own. [ms, admitted, retry-after ms]
  test('redis-cell it_rate_limits table', () => {
    const { clock, limiter } = setup({ rate: 1, burst: 5 })
    const rows: [number, boolean, number][] = [
      [0, true, 0],
      [0, true, 0],
      [0, true, 0],
      [0, true, 0],
      [0, true, 0],
      [0, false, 1000],
      [3000, true, 0],
      [3100, true, 0],
      [4000, true, 0],
      [8000, true, 0],
      [9500, true, 0],
      // Row 11 left 4 remaining: four more pass at 9500, then a 1 s wait.
      [9500, true, 0],
      [9500, true, 0],
      [9500, true, 0],
      [9500, true, 0],
      [9500, false, 1000],
      [10000, false, 500],
      [10499, false, 1],
      [10500, true, 0],
      [10500, false, 1000],
    ]
    for (const [i, [t, admitted, retry]] of rows.entries()) {
      clock.t = t
      expect({ row: i, wait: limiter.admit(A) }).toEqual({ row: i, wait: admitted ? 0 : retry })
    }
  })

  test.each([
    // rate, burst, emission interval T in ms
    [1, 1, 1000],
    [10, 3, 100],
    [3, 7, 1000 / 3],
    [0.5, 2, 2000],
    [0.01, 2, 100_000],
    [100_000, 100, 0.01],
    [1_000_000, 10, 0.001],
  ])('rate %d/s burst %d: exactly burst at once, then one per T', (rate, burst, T) => {
    const { clock, limiter } = setup({ rate, burst }, 1000)
    for (let i = 0; i < burst; i++) expect(limiter.admit(A)).toBe(0)
    const wait = limiter.admit(A)
    expect(wait).toBeCloseTo(T, 6)
    for (let round = 0; round < 5; round++) {
      clock.t += wait
      expect(limiter.admit(A)).toBe(0)
      expect(limiter.admit(A)).toBeCloseTo(T, 6)
    }
  })

  test('retry-after is exact: not admitted a moment earlier, admitted then', () => {
    const { clock, limiter } = setup({ rate: 4, burst: 2 }, 5000)
    limiter.admit(A)
    limiter.admit(A)
    clock.t += 100
    expect(limiter.admit(A)).toBe(150)
    clock.t += 149.999
    expect(limiter.admit(A)).toBeCloseTo(0.001, 9)
    clock.t += 0.001
    expect(limiter.admit(A)).toBe(0)
  })

  test('sustained: burst + floor(D / T) over D ms of requests every ms', () => {
    const { clock, limiter } = setup({ rate: 10, burst: 3 })
    let admitted = 0
    for (clock.t = 0; clock.t <= 10_000; clock.t++) if (limiter.admit(A) === 0) admitted++
    expect(admitted).toBe(3 + 100)
  })

  test('very high rate (100k/s) with 1 µs steps', () => {
    const { clock, limiter } = setup({ rate: 100_000, burst: 100 })
    let admitted = 0
    for (let i = 0; i <= 100_000; i++) {
      clock.t = i / 1000
      if (limiter.admit(A) === 0) admitted++
    }
    expect(admitted).toBe(100 + 10_000) // 100 ms at 10 µs per request
  })

  test('wall-clock-sized times keep ns precision (epoch = first reading, not 1970)', () => {
    const start = 1_760_000_000_123.25
    const { clock, limiter } = setup({ rate: 1_000_000, burst: 5 }, start)
    for (let i = 0; i < 5; i++) expect(limiter.admit(A)).toBe(0)
    expect(limiter.admit(A)).toBeCloseTo(0.001, 6)
    // A request every 1 µs for 2 ms. (Absolute ns since 1970 in a double would step in 256 ns and
    // turn T = 1000 ns into 1024 ns: 1953 instead of 2000.) The clock itself steps in 0.24 µs here.
    let admitted = 0
    for (let i = 1; i <= 2000; i++) {
      clock.t = start + i / 1000
      if (limiter.admit(A) === 0) admitted++
    }
    expect(Math.abs(admitted - 2000)).toBeLessThanOrEqual(1)
  })

  test.each([
    ['2^31 µs (35.8 min)', 2 ** 31 / 1000],
    ['2^32 µs (71.6 min)', 2 ** 32 / 1000],
    ['2^31 ms (24.9 days)', 2 ** 31],
    ['30 days', 30 * DAY],
    ['2^32 ms (49.7 days)', 2 ** 32],
    ['2^53 ns (104 days)', 2 ** 53 / 1e6],
    ['1 year', 365 * DAY],
    ['50 years', 50 * 365 * DAY],
  ])('idle for %s: the full burst again, then limited', (_name, idle) => {
    const { clock, limiter } = setup({ rate: 1, burst: 5 }, 1_760_000_000_000)
    for (let i = 0; i < 6; i++) limiter.admit(A)
    clock.t += idle
    for (let i = 0; i < 5; i++) expect(limiter.admit(A)).toBe(0)
    expect(limiter.admit(A)).toBeCloseTo(1000, 3)
  })

  test('keys are independent', () => {
    const { limiter } = setup({ rate: 1, burst: 2 })
    expect([limiter.admit(A), limiter.admit(A), limiter.admit(A)]).toEqual([0, 0, 1000])
    expect([limiter.admit(B), limiter.admit(B), limiter.admit(B)]).toEqual([0, 0, 1000])
  })

  test('limiterId separates limiters on one table; the same id shares buckets', () => {
    const clock = { t: 0 }
    const table = createLimiterTable()
    const now = () => clock.t
    const ingest = new RateLimiter(table, { rate: 1, burst: 2 }, { limiterId: 1, now })
    const api = new RateLimiter(table, { rate: 1, burst: 2 }, { limiterId: 2, now })
    const ingestAgain = new RateLimiter(table, { rate: 1, burst: 2 }, { limiterId: 1, now }) // another thread's view
    expect([ingest.admit(A), ingest.admit(A)]).toEqual([0, 0])
    expect([api.admit(A), api.admit(A), api.admit(A)]).toEqual([0, 0, 1000])
    expect(ingestAgain.admit(A)).toBe(1000)
  })

  test('IPv6 addresses in one /64 share a bucket; IPv4-mapped and IPv4 share one', () => {
    const { limiter } = setup({ rate: 1, burst: 2 })
    expect(limiter.admit(key('2001:db8:1:2::1'))).toBe(0)
    expect(limiter.admit(key('2001:db8:1:2:ffff:eeee:dddd:cccc'))).toBe(0)
    expect(limiter.admit(key('2001:db8:1:2::99'))).toBe(1000)
    expect(limiter.admit(key('2001:db8:1:3::1'))).toBe(0)
    expect(limiter.admit(key('198.51.100.1'))).toBe(0)
    expect(limiter.admit(key('::ffff:198.51.100.1'))).toBe(0)
    expect(limiter.admit(key('::ffff:198.51.100.1'))).toBe(1000)
  })

  test('tables have different seeds', () => {
    const a = new Int32Array(createLimiterTable(8), 16, 2)
    const b = new Int32Array(createLimiterTable(8), 16, 2)
    expect([...a]).not.toEqual([...b])
  })
})

describe('table pressure', () => {
  test('churn: 100k distinct keys through 64 slots never throws or limits a fresh key', () => {
    const { clock, limiter } = setup({ rate: 1, burst: 2 }, 0, 64)
    const k = new Uint8Array(4)
    const view = new DataView(k.buffer)
    for (let i = 0; i < 100_000; i++) {
      clock.t = i // 1 new key per ms, each slot drains 1 s after its one request: ~64 slots free up per s
      view.setUint32(0, i)
      expect(limiter.admit(k)).toBe(0)
    }
    const s = limiter.stats()
    expect(s.limited).toBe(0)
    expect(s.allowed + s.failOpen + s.casExhausted).toBe(100_000)
    expect(s.allowed).toBe(s.evictions + 64) // each tracked key took a never-used or a drained slot
    expect(s.evictions).toBeGreaterThan(5_000)
    expect(s.failOpen).toBeGreaterThan(80_000)
  })

  test('churn at a drain rate the table can hold: keys are tracked, and limited when they repeat', () => {
    const { clock, limiter } = setup({ rate: 1000, burst: 1 }, 0, 1024)
    const k = new Uint8Array(4)
    const view = new DataView(k.buffer)
    let limited = 0
    for (let i = 0; i < 100_000; i++) {
      clock.t = i / 100 // 100 new keys per ms; each slot drains 1 ms after its request
      view.setUint32(0, i)
      expect(limiter.admit(k)).toBe(0)
      if (limiter.admit(k) > 0) limited++ // immediate repeat: over the limit
    }
    const s = limiter.stats()
    expect(s.evictions).toBeGreaterThan(90_000)
    expect(limited).toBe(s.allowed) // every tracked key is limited on its repeat
    expect(s.failOpen).toBeLessThan(1_000)
  })

  test('a full table fails open and counts it; a key that still fits keeps being limited', () => {
    const { clock, limiter } = setup({ rate: 1, burst: 1 }, 0, 8) // one probe window = the whole table
    const keys = Array.from({ length: 8 }, (_, i) => Uint8Array.of(10, 0, 0, i))
    for (const k of keys) expect(limiter.admit(k)).toBe(0)
    expect(limiter.admit(keys[3]!)).toBe(1000) // still tracked
    expect(limiter.admit(A)).toBe(0) // no room: admitted, counted
    expect(limiter.admit(A)).toBe(0)
    expect(limiter.stats()).toMatchObject({ allowed: 8, limited: 1, failOpen: 2, evictions: 0 })
    clock.t = 1000 // every bucket has drained: slots are reusable
    expect([limiter.admit(A), limiter.admit(A)]).toEqual([0, 1000])
    expect(limiter.stats().evictions).toBe(1)
  })
})

describe('validation', () => {
  test.each([[0], [6], [4], [2 ** 27], [1.5], [NaN]])('capacity %d is refused', (c) => {
    expect(() => createLimiterTable(c)).toThrow(RangeError)
  })

  test.each([
    [{ rate: 0, burst: 1 }],
    [{ rate: -1, burst: 1 }],
    [{ rate: NaN, burst: 1 }],
    [{ rate: Infinity, burst: 1 }],
    [{ rate: 1, burst: 0 }],
    [{ rate: 1, burst: 1.5 }],
    [{ rate: 1e-12, burst: 10 }],
  ])('options %j are refused', (options) => {
    expect(() => new RateLimiter(createLimiterTable(8), options)).toThrow(RangeError)
  })

  test('bad tables and ids are refused', () => {
    expect(() => new RateLimiter(new SharedArrayBuffer(4096), { rate: 1, burst: 1 })).toThrow(TypeError)
    expect(() => new RateLimiter(new ArrayBuffer(4096) as unknown as SharedArrayBuffer, { rate: 1, burst: 1 })).toThrow(
      TypeError,
    )
    expect(() => new RateLimiter(createLimiterTable(8), { rate: 1, burst: 1 }, { limiterId: -1 })).toThrow(RangeError)
  })

  test('default clock: a burst then a wait of about T', () => {
    const limiter = new RateLimiter(createLimiterTable(8), { rate: 1, burst: 3 })
    expect([limiter.admit(A), limiter.admit(A), limiter.admit(A)]).toEqual([0, 0, 0])
    const wait = limiter.admit(A)
    expect(wait).toBeGreaterThan(900)
    expect(wait).toBeLessThanOrEqual(1000)
  })
})
