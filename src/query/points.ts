/**
 * Chart buckets in the reporting zone: one point per hour, day, ISO week or month touching the range,
 * zeros included. Boundaries are wall-clock boundaries of the zone, so 2026-03-29 in Europe/Berlin has
 * 23 hourly points (02:00 does not exist) and 2026-10-25 has 25 (02:00 twice, at +02:00 then +01:00);
 * Asia/Kolkata days start at 18:30Z and Asia/Kathmandu days at 18:15Z.
 *
 * Each point is the instants [start, end) it counts, clipped to the range, and `time`, the bucket's own
 * start (RFC 3339 at the zone's offset then), which can lie before the range for a cut first bucket.
 * @module
 */
import { Q15_MS } from '../store/index.js'
import { coverOf, q15Count, type Cover } from './cover.js'
import { refuse } from '../errors/index.js'
import type { Interval, Window } from './params.js'
import {
  dayStart,
  firstDayOfMonth,
  formatInstant,
  HOUR_MS,
  localDayOf,
  mondayOf,
  monthOfDay,
  offsetMs,
} from './zone.js'

export interface Point {
  time: string
  start: number
  end: number
}

/** Most points one chart may have (92 days by the hour is 2,208; ten years by the day 3,653). */
export const MAX_POINTS = 4000

/**
 * Most quarter-hour buckets one answer may read: 92 days by the hour (4 each), or 92 days by the day
 * in a zone whose midnights are not the site's (96 each). Beyond, the answer is refused, not slowed.
 */
export const MAX_Q15 = 96 * 93

export interface PlannedPoint extends Point {
  cover: Cover
}

/** The chart's points with the buckets each reads; refuses a chart over the cost limits. */
export function plannedPoints(w: Window, interval: Interval, siteTz: string): PlannedPoint[] {
  let q15 = 0
  const points = chartPoints(w, interval).map((p) => {
    const cover = coverOf(siteTz, p.start, p.end)
    q15 += q15Count(cover)
    return { ...p, cover }
  })
  if (q15 > MAX_Q15) {
    const field = interval === 'hour' ? 'interval' : 'tz'
    throw refuse(
      'range_too_large',
      `this chart would read ${q15} quarter-hour buckets (at most ${MAX_Q15}: 92 days by the hour, or by the day ` +
        `in a zone whose midnights differ from the site's); shorten the range or use a longer interval`,
      field,
    )
  }
  return points
}

export function chartPoints(w: Window, interval: Interval): Point[] {
  const { zone, start, end } = w
  if (start >= end) return []
  const hours = (end - start) / HOUR_MS
  const days = localDayOf(zone, end - 1) - localDayOf(zone, start) + 1
  const estimate = interval === 'hour' ? hours : interval === 'day' ? days : days / 7
  if (estimate > MAX_POINTS) {
    throw refuse(
      'range_too_large',
      `${interval} over this range gives over ${MAX_POINTS} points; choose a longer interval`,
      'interval',
    )
  }
  return interval === 'hour' ? hourPoints(zone, start, end) : calendarPoints(zone, start, end, interval)
}

/**
 * Hours: walk wall-clock hours; where the offset changes (a DST transition, always on a quarter-hour)
 * a new bucket starts at the transition itself.
 */
function hourPoints(zone: string, start: number, end: number): Point[] {
  const points: Point[] = []
  let t = start
  while (t < end) {
    const off = offsetMs(zone, t)
    const intoHour = (((t + off) % HOUR_MS) + HOUR_MS) % HOUR_MS
    let label = t - intoHour
    // A bucket that begins at a transition landing mid-hour (Australia/Lord_Howe, 30-minute DST)
    // starts where it really starts; a range that begins mid-hour keeps the hour's label.
    if (label < t && offsetMs(zone, label) !== off) label = t
    let next = t - intoHour + HOUR_MS
    if (offsetMs(zone, next - Q15_MS) !== off) {
      next = t + Q15_MS // the offset changes inside this hour: stop at the first quarter-hour that differs
      while (offsetMs(zone, next) === off) next += Q15_MS
    }
    points.push({ time: formatInstant(zone, label), start: t, end: Math.min(next, end) })
    t = next
  }
  return points
}

function calendarPoints(zone: string, start: number, end: number, interval: 'day' | 'week' | 'month'): Point[] {
  const first = localDayOf(zone, start)
  const last = localDayOf(zone, end - 1)
  const points: Point[] = []
  const push = (fromDay: number, toDay: number) => {
    const s = dayStart(zone, fromDay)
    points.push({ time: formatInstant(zone, s), start: Math.max(s, start), end: Math.min(dayStart(zone, toDay), end) })
  }
  if (interval === 'day') for (let d = first; d <= last; d++) push(d, d + 1)
  else if (interval === 'week') for (let d = mondayOf(first); d <= last; d += 7) push(d, d + 7)
  else for (let m = monthOfDay(first); m <= monthOfDay(last); m++) push(firstDayOfMonth(m), firstDayOfMonth(m + 1))
  return points
}
