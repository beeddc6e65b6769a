/**
 * Wall-clock arithmetic in IANA time zones, exact to the instant, for range bounds and chart buckets.
 *
 * Days are numbered like the store's DAY buckets (days since 1970-01-01 of the LOCAL date), months as
 * year × 12 + month − 1. The offset of a zone is read once per 15-minute bucket through Intl and cached:
 * every offset in use is a multiple of 15 minutes and transitions happen on such boundaries (the store
 * relies on the same fact, src/store/buckets.ts), so it is constant inside a bucket. Day starts are
 * cached too: tz data does not change while the process runs, so the caches are never stale.
 * @module
 */
import { DAY_MS, Q15_MS } from '../store/index.js'

export const HOUR_MS = 3_600_000

const formatters = new Map<string, Intl.DateTimeFormat>()
const offsets = new Map<string, Map<number, number>>()
const dayStarts = new Map<string, Map<number, number>>()
const WALL = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(tz, f)
  }
  return f
}

function cacheOf(all: Map<string, Map<number, number>>, tz: string): Map<number, number> {
  let m = all.get(tz)
  if (!m) all.set(tz, (m = new Map()))
  else if (m.size > 100_000) m.clear() // bounded memory; entries are recomputed on demand
  return m
}

/** The canonical name of an IANA zone, or null when Intl does not know it. */
export function canonicalZone(tz: string): string | null {
  if (tz === '' || tz.length > 64) return null
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone
  } catch {
    return null
  }
}

/** Local wall time minus UTC at instant `t`, in ms (Asia/Kathmandu: +20,700,000). */
export function offsetMs(tz: string, t: number): number {
  const q = Math.floor(t / Q15_MS)
  const cache = cacheOf(offsets, tz)
  let off = cache.get(q)
  if (off === undefined) {
    const at = q * Q15_MS
    const m = WALL.exec(formatter(tz).format(at))
    if (!m) throw new Error(`unexpected Intl output for ${tz}`)
    off = Date.UTC(+m[3]!, +m[1]! - 1, +m[2]!, +m[4]!, +m[5]!, +m[6]!) - at
    cache.set(q, off)
  }
  return off
}

/** The local day number of instant `t` in `tz`. */
export function localDayOf(tz: string, t: number): number {
  return Math.floor((t + offsetMs(tz, t)) / DAY_MS)
}

/** Today's date (YYYY-MM-DD) in `tz` at instant `now`. */
export function todayIn(tz: string, now: number): string {
  return formatDay(localDayOf(tz, now))
}

/**
 * The first instant of local day `day` in `tz`: local midnight, or the first instant after it when a
 * transition skips midnight (America/Santiago in September starts its day at 01:00).
 */
export function dayStart(tz: string, day: number): number {
  const cache = cacheOf(dayStarts, tz)
  const hit = cache.get(day)
  if (hit !== undefined) return hit
  const base = day * DAY_MS
  let t = base - offsetMs(tz, base)
  t = base - offsetMs(tz, t) // the offset at the candidate itself, in case a transition lies between
  if (!(localDayOf(tz, t) === day && localDayOf(tz, t - Q15_MS) < day)) {
    // Midnight does not exist or is not where the offset says: the first quarter-hour of the day.
    let lo = Math.floor((base - 15 * HOUR_MS) / Q15_MS)
    let hi = Math.ceil((base + 15 * HOUR_MS) / Q15_MS)
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2)
      if (localDayOf(tz, mid * Q15_MS) >= day) hi = mid
      else lo = mid + 1
    }
    t = lo * Q15_MS
  }
  cache.set(day, t)
  return t
}

/** RFC 3339 at the zone's offset at `t`: `2026-03-29T00:00:00+01:00`, `Z` when the offset is zero. */
export function formatInstant(tz: string, t: number): string {
  const off = offsetMs(tz, t)
  const wall = new Date(t + off).toISOString().slice(0, 19)
  if (off === 0) return `${wall}Z`
  const abs = Math.abs(off) / 60_000
  const hh = String(Math.floor(abs / 60)).padStart(2, '0')
  const mm = String(abs % 60).padStart(2, '0')
  return `${wall}${off < 0 ? '-' : '+'}${hh}:${mm}`
}

export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

export function monthOfDay(day: number): number {
  const d = new Date(day * DAY_MS)
  return d.getUTCFullYear() * 12 + d.getUTCMonth()
}

export function firstDayOfMonth(month: number): number {
  return Date.UTC(Math.floor(month / 12), month % 12, 1) / DAY_MS
}

/** The Monday on or before `day` (weeks are ISO weeks). */
export function mondayOf(day: number): number {
  return day - ((((day + 3) % 7) + 7) % 7) // 1970-01-01 (day 0) was a Thursday
}

/** `YYYY-MM-DD` → day number, or null when it is not a real calendar date in 1970…9999. */
export function parseDate(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (!m) return null
  const [y, mo, d] = [+m[1]!, +m[2]!, +m[3]!]
  const t = Date.UTC(y, mo - 1, d)
  const back = new Date(t)
  if (y < 1970 || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null
  return t / DAY_MS
}

/**
 * An RFC 3339 date-time (with `Z` or an offset) → epoch ms, or null. Milliseconds are kept exactly; a
 * remainder finer than that (`.0000001`) counts as half a millisecond more, so it is never lost to
 * floating-point rounding: the instant lies strictly between two milliseconds, which is all the range
 * bounds need (they are rounded to quarter-hours, src/query/params.ts).
 */
export function parseInstant(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/.exec(s)
  if (!m) return null
  const [y, mo, d, h, mi, sec] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!]
  if (parseDate(`${m[1]}-${m[2]}-${m[3]}`) === null || h > 23 || mi > 59 || sec > 59) return null
  let off = 0
  if (m[9]) {
    const [oh, om] = [+m[10]!, +m[11]!]
    if (oh > 23 || om > 59) return null
    off = (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000
  }
  const digits = (m[7] ?? '.').slice(1).padEnd(9, '0')
  const frac = Number(digits.slice(0, 3)) + (/[1-9]/.test(digits.slice(3)) ? 0.5 : 0)
  return Date.UTC(y, mo - 1, d, h, mi, sec) + frac - off
}
