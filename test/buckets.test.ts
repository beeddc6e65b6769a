/** Time buckets: local days and months in any IANA zone, DST days and quarter-hour offsets included. */
import { expect, test } from 'vitest'
import { DAY_MS, localBuckets, Q15_MS, q15Bucket } from '../src/store/buckets.js'

const day = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS)

test.each([
  ['UTC', '2026-03-29T23:59:59Z', '2026-03-29'],
  ['Europe/Berlin', '2026-03-28T22:59:59Z', '2026-03-28'], // 23:59:59 CET
  ['Europe/Berlin', '2026-03-28T23:00:00Z', '2026-03-29'], // the DST day starts at 00:00 CET
  ['Europe/Berlin', '2026-03-29T21:59:59Z', '2026-03-29'], // …and ends at 23:59:59 CEST: 23 hours long
  ['Europe/Berlin', '2026-03-29T22:00:00Z', '2026-03-30'],
  ['Asia/Kolkata', '2026-01-01T18:29:59Z', '2026-01-01'], // +5:30
  ['Asia/Kolkata', '2026-01-01T18:30:00Z', '2026-01-02'],
  ['Asia/Kathmandu', '2026-01-01T18:14:59Z', '2026-01-01'], // +5:45
  ['Asia/Kathmandu', '2026-01-01T18:15:00Z', '2026-01-02'],
  ['America/St_Johns', '2026-07-01T02:29:59Z', '2026-06-30'], // −2:30 in summer
  ['America/St_Johns', '2026-07-01T02:30:00Z', '2026-07-01'],
])('%s: %s falls on local day %s', (tz, instant, expected) => {
  const b = localBuckets(tz, Date.parse(instant))
  expect(b.day).toBe(day(expected))
  expect(b.month).toBe(Number(expected.slice(0, 4)) * 12 + Number(expected.slice(5, 7)) - 1)
})

test('each Europe/Berlin day of 2026 is a run of quarter-hours: 92 on spring DST day, 100 in autumn, else 96', () => {
  const counts = new Map<number, number>()
  const start = q15Bucket(Date.parse('2026-01-01T00:00:00Z'))
  const end = q15Bucket(Date.parse('2027-01-01T00:00:00Z'))
  for (let q = start; q < end; q++) {
    const d = localBuckets('Europe/Berlin', q * Q15_MS).day
    counts.set(d, (counts.get(d) ?? 0) + 1)
  }
  expect(counts.get(day('2026-03-29'))).toBe(92)
  expect(counts.get(day('2026-10-25'))).toBe(100)
  expect(counts.get(day('2026-06-01'))).toBe(96)
})
