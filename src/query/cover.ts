/**
 * Range decomposition: the fewest stored buckets whose union is EXACTLY a time range [start, end).
 *
 * DAY and MONTH buckets are local to the SITE's zone, whatever zone the question is asked in; Q15
 * buckets are UTC quarter-hours. So a range becomes: the site-local months it covers whole, then the
 * site-local days it covers whole, then the quarter-hours of what is left at either edge (less than a
 * day each). This works on instants only, which is why another `tz` than the site's is answered
 * exactly: its day boundaries are just instants, and what is not a whole site day is read from Q15.
 *
 * A one-year date range in the site's zone is 12 month reads; "the last 365 days" is about 11 months
 * and 30 days; a day in Asia/Kolkata asked of a UTC site is 96 quarter-hours.
 * @module
 */
import { Q15_MS } from '../store/index.js'
import { dayStart, firstDayOfMonth, localDayOf, monthOfDay } from './zone.js'

export interface Cover {
  /** Site-local month buckets covered whole. */
  months: number[]
  /** Site-local day buckets covered whole (not inside one of `months`). */
  days: number[]
  /** Half-open runs [q0, q1) of UTC quarter-hour buckets for the partial-day edges. */
  q15: Array<[number, number]>
}

export const EMPTY_COVER: Cover = { months: [], days: [], q15: [] }

/** Whole site-local days [fromDay, toDayExcl) as months where whole, days elsewhere. */
export function coverOfDays(fromDay: number, toDayExcl: number): Cover {
  const cover: Cover = { months: [], days: [], q15: [] }
  let day = fromDay
  while (day < toDayExcl) {
    const month = monthOfDay(day)
    const first = firstDayOfMonth(month)
    const next = firstDayOfMonth(month + 1)
    if (first === day && next <= toDayExcl) {
      cover.months.push(month)
      day = next
    } else {
      const stop = Math.min(next, toDayExcl)
      for (; day < stop; day++) cover.days.push(day)
    }
  }
  return cover
}

/**
 * The buckets of [start, end) for a site whose DAY/MONTH buckets follow `siteTz`. `start` and `end` must
 * be multiples of 15 minutes (the parameter parser widens other instants to them: ./widen.ts).
 */
export function coverOf(siteTz: string, start: number, end: number): Cover {
  if (start >= end) return EMPTY_COVER
  const a = localDayOf(siteTz, start)
  const firstFull = dayStart(siteTz, a) === start ? a : a + 1
  const b = localDayOf(siteTz, end) // days before b end at or before dayStart(b) <= end
  if (firstFull >= b) return { months: [], days: [], q15: [[start / Q15_MS, end / Q15_MS]] }
  const cover = coverOfDays(firstFull, b)
  const fullStart = dayStart(siteTz, firstFull)
  const fullEnd = dayStart(siteTz, b)
  if (start < fullStart) cover.q15.push([start / Q15_MS, fullStart / Q15_MS])
  if (fullEnd < end) cover.q15.push([fullEnd / Q15_MS, end / Q15_MS])
  return cover
}

/** Quarter-hour buckets a cover reads (what the cost cap counts). */
export function q15Count(cover: Cover): number {
  let n = 0
  for (const [q0, q1] of cover.q15) n += q1 - q0
  return n
}

/** The number of buckets a cover reads, whatever their size. */
export function bucketCount(cover: Cover): number {
  return cover.months.length + cover.days.length + q15Count(cover)
}
