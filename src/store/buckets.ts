/**
 * Time buckets of the rollups.
 *
 * Every counter is kept at three granularities:
 * - `Q15`: 15-minute buckets in UTC. Every UTC offset in use is a multiple of 15 minutes (Asia/Kathmandu
 *   +5:45, Australia/Eucla +8:45, Pacific/Chatham +12:45), so an hour or a day in ANY time zone — DST days
 *   included — is an exact sum of Q15 buckets. Charts by hour and answers in another zone read these.
 * - `DAY` and `MONTH`: calendar days and months in the site's own time zone, so a one-year range costs
 *   about 365 (or 12) reads. Changing a site's time zone rebuilds them from the Q15 buckets.
 * @module
 */

export const Granularity = {
  Q15: 1,
  DAY: 2,
  MONTH: 3,
} as const

export const Q15_MS = 15 * 60 * 1000
export const DAY_MS = 24 * 60 * 60 * 1000

export function q15Bucket(ts: number): number {
  return Math.floor(ts / Q15_MS)
}

export interface LocalBuckets {
  /** Days since 1970-01-01 of the local calendar date. */
  day: number
  /** year × 12 + (month − 1) of the local calendar date. */
  month: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()
/** Per time zone, the last Q15 bucket resolved: events arrive nearly in time order, so this hits. */
const lastByZone = new Map<string, { q: number; buckets: LocalBuckets }>()

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric' })
    formatters.set(tz, f)
  }
  return f
}

/** The local day and month of instant `ts` in time zone `tz`. Constant within a Q15 bucket. */
export function localBuckets(tz: string, ts: number): LocalBuckets {
  const q = q15Bucket(ts)
  const last = lastByZone.get(tz)
  if (last && last.q === q) return last.buckets
  let y = 0
  let m = 0
  let d = 0
  for (const part of formatter(tz).formatToParts(q * Q15_MS)) {
    if (part.type === 'year') y = Number(part.value)
    else if (part.type === 'month') m = Number(part.value)
    else if (part.type === 'day') d = Number(part.value)
  }
  const buckets = { day: Math.round(Date.UTC(y, m - 1, d) / DAY_MS), month: y * 12 + (m - 1) }
  lastByZone.set(tz, { q, buckets })
  return buckets
}
