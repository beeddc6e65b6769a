/**
 * The date-range picker's model: presets resolved to whole days in the SITE's time zone (what the API's
 * `from`/`to` dates mean), the previous period the API compares with (`compare=previous`: as many days
 * just before), and the range's spelling in the page URL (`?range=7d`, `?range=custom&from=…&to=…`).
 * A custom range may also be two RFC 3339 instants (a link from a script or an alert: "the last hour"),
 * which the API answers by whole quarter-hours, widened outward (src/query/widen.ts, shared): the range
 * covered is then shown beside the one asked. Pure functions: `now` is passed in.
 * @module
 */
import { widenDown, widenUp } from '../query/widen.js'

export type Preset = 'today' | '7d' | '30d' | 'month' | '12m' | 'custom'

export const PRESETS: { id: Preset; label: string; long: string }[] = [
  { id: 'today', label: 'Today', long: 'Today' },
  { id: '7d', label: '7d', long: 'Last 7 days' },
  { id: '30d', label: '30d', long: 'Last 30 days' },
  { id: 'month', label: 'Month', long: 'This month' },
  { id: '12m', label: '12m', long: 'Last 12 months' },
  { id: 'custom', label: 'Custom', long: 'Custom range' },
]

export const DEFAULT_PRESET: Preset = '30d'

export interface Range {
  preset: Preset
  /** Inclusive local dates, `YYYY-MM-DD`; or, for a custom range, RFC 3339 instants (`to` exclusive). */
  from: string
  to: string
  interval: 'hour' | 'day' | 'month'
  /** For instants: the zone they are shown in (the site's). */
  tz?: string
}

const DAY = 86_400_000
const toDays = (date: string): number => Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / DAY
const fromDays = (days: number): string => new Date(days * DAY).toISOString().slice(0, 10)
export const isDate = (s: string | null | undefined): s is string =>
  !!s && /^\d{4}-\d{2}-\d{2}$/.test(s) && fromDays(toDays(s)) === s
/** An RFC 3339 date-time as the API reads it (seconds, optional fraction, `Z` or an offset). */
export const isInstant = (s: string | null | undefined): boolean =>
  !!s &&
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i.test(s) &&
  Number.isFinite(Date.parse(s))
/** An offset's `+` left unencoded in a link reads as a space: put it back. */
const plus = (s: string | null | undefined) => s?.replace(/ (\d{2}:\d{2})$/, '+$1')

/** Today's date in `timezone`. */
export function todayIn(timezone: string, now: number): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now)
}

export const addDays = (date: string, n: number): string => fromDays(toDays(date) + n)
export const daysIn = (from: string, to: string): number => toDays(to) - toDays(from) + 1

/** The range of a preset (or of explicit custom dates), ending today in the site's zone. */
export function resolveRange(
  preset: Preset,
  timezone: string,
  now: number,
  custom?: { from?: string | null; to?: string | null },
): Range {
  const today = todayIn(timezone, now)
  switch (preset) {
    case 'today':
      return { preset, from: today, to: today, interval: 'hour' }
    case '7d':
      return { preset, from: addDays(today, -6), to: today, interval: 'day' }
    case 'month':
      return { preset, from: `${today.slice(0, 8)}01`, to: today, interval: 'day' }
    case '12m': {
      const y = +today.slice(0, 4)
      const m = +today.slice(5, 7) - 11
      const start = m >= 1 ? `${y}-${String(m).padStart(2, '0')}-01` : `${y - 1}-${String(m + 12).padStart(2, '0')}-01`
      return { preset, from: start, to: today, interval: 'month' }
    }
    case 'custom': {
      const [from, to] = [plus(custom?.from), plus(custom?.to)]
      if (from && to && isInstant(from) && isInstant(to) && Date.parse(from) <= Date.parse(to)) {
        const ms = Date.parse(to) - Date.parse(from)
        return { preset, from, to, interval: ms < 2 * DAY ? 'hour' : ms < 180 * DAY ? 'day' : 'month', tz: timezone }
      }
      if (isDate(custom?.from) && isDate(custom?.to) && custom.from <= custom.to) {
        const n = daysIn(custom.from, custom.to)
        return { preset, from: custom.from, to: custom.to, interval: n <= 2 ? 'hour' : n < 180 ? 'day' : 'month' }
      }
      return resolveRange(DEFAULT_PRESET, timezone, now)
    }
    default:
      return { preset: '30d', from: addDays(today, -29), to: today, interval: 'day' }
  }
}

/** What the API covers for an instant range: whole quarter-hours, widened outward; null for dates. */
export function coveredRange(r: Range): { start: number; end: number } | null {
  return isInstant(r.from) ? { start: widenDown(Date.parse(r.from)), end: widenUp(Date.parse(r.to)) } : null
}

/** The period the API compares with: as many days (or ms covered), just before (src/query/params.ts previousWindow). */
export function previousRange(r: Range): Range {
  const cover = coveredRange(r)
  if (cover)
    return { ...r, from: new Date(2 * cover.start - cover.end).toISOString(), to: new Date(cover.start).toISOString() }
  const n = daysIn(r.from, r.to)
  return { ...r, from: addDays(r.from, -n), to: addDays(r.from, -1) }
}

/** `?range=…` of a page URL → the range. */
export function rangeFromSearch(search: string, timezone: string, now: number): Range {
  const preset = PRESETS.find((x) => x.id === param(search, 'range'))?.id ?? DEFAULT_PRESET
  return resolveRange(preset, timezone, now, { from: param(search, 'from'), to: param(search, 'to') })
}

/** One query parameter of `?a=1&b=2` (the first), decoded; null when absent. */
export function param(search: string, name: string): string | null {
  for (const part of search.replace(/^\?/, '').split('&')) {
    const i = part.indexOf('=')
    const k = i < 0 ? part : part.slice(0, i)
    if (k === '' || safeDecode(k) !== name) continue
    return safeDecode(i < 0 ? '' : part.slice(i + 1))
  }
  return null
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return s
  }
}

/** The range → the query string kept across pages (empty for the default). */
export function rangeSearch(r: Pick<Range, 'preset' | 'from' | 'to'>): string {
  if (r.preset === DEFAULT_PRESET) return ''
  if (r.preset === 'custom') return `?range=custom&from=${encodeURIComponent(r.from)}&to=${encodeURIComponent(r.to)}`
  return `?range=${r.preset}`
}

const dayFmt = new Map<string, Intl.DateTimeFormat>()

/** `Mar 29, 10:12 – 11:12` or `Mar 29, 10:12 – Mar 30, 10:12`, in `tz` (instants: `end` exclusive). */
export function describeSpan(start: number, end: number, tz: string): string {
  let fmt = dayFmt.get(`t|${tz}`)
  if (!fmt)
    dayFmt.set(
      `t|${tz}`,
      (fmt = new Intl.DateTimeFormat('en-US', {
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZone: tz,
      })),
    )
  const [a, b] = [fmt.format(start), fmt.format(end)]
  const day = (s: string) => s.slice(0, s.lastIndexOf(','))
  return day(a) === day(b) ? `${a} – ${b.slice(b.lastIndexOf(',') + 2)}` : `${a} – ${b}`
}

/** `May 2 – May 31, 2026`, `Today`, … for headings. */
export function describeRange(r: Range): string {
  if (isInstant(r.from)) return describeSpan(Date.parse(r.from), Date.parse(r.to), r.tz ?? 'UTC')
  const f = (s: string, year: boolean) => {
    const key = year ? 'y' : 'n'
    let fmt = dayFmt.get(key)
    if (!fmt)
      dayFmt.set(
        key,
        (fmt = new Intl.DateTimeFormat('en-US', {
          month: 'short',
          day: 'numeric',
          ...(year ? { year: 'numeric' } : {}),
          timeZone: 'UTC',
        })),
      )
    return fmt.format(toDays(s) * DAY)
  }
  if (r.from === r.to) return f(r.from, true)
  return `${f(r.from, r.from.slice(0, 4) !== r.to.slice(0, 4))} – ${f(r.to, true)}`
}
