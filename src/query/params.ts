/**
 * From query strings to an exact range: validation (every bad value is a `Refusal`, src/errors/, naming its
 * field, never ignored), defaults, the reporting zone, the widening of instants to whole quarter-hours
 * (./widen.ts), the chart interval, limits and filters.
 * @module
 */
import type { z } from 'zod'
import { DAY_MS, type SiteRecord } from '../store/index.js'
import { refuse } from '../errors/index.js'
import { widenDown, widenUp } from './widen.js'
import { canonicalZone, dayStart, formatDay, formatInstant, localDayOf, parseDate, parseInstant } from './zone.js'

export type Interval = 'hour' | 'day' | 'week' | 'month'

/** The range answered, resolved to instants: dates as asked, instants widened (./widen.ts). */
export interface Window {
  /** The zone answered in (canonical IANA name). */
  zone: string
  /** Half-open [start, end), epoch ms, multiples of 15 minutes. */
  start: number
  end: number
  /** Set when both ends were dates: the local days [from, to], both inclusive (for compare=previous). */
  days?: [number, number]
}

/** Longest range answered: ten years and a bit. */
const MAX_RANGE_MS = 3700 * DAY_MS
const DEFAULT_DAYS = 30

/** Validates `query` with `schema`; the first problem becomes a refusal naming the parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const r = schema.safeParse(query ?? {})
  if (r.success) return r.data
  const issue = r.error.issues[0]!
  const field = String(issue.path[0] ?? 'query')
  throw refuse('invalid_parameter', issue.message, field)
}

type End = { kind: 'date'; day: number } | { kind: 'instant'; t: number }

/** The offset of an instant: `+05:30` unencoded in a URL arrives as ` 05:30` (a `+` there means a space). */
const SPACED_OFFSET = /^(.+T[\d:.]+) (\d{2}:\d{2})$/i

function parseEnd(value: string | undefined, field: string): End | undefined {
  if (value === undefined) return undefined
  const day = parseDate(value)
  if (day !== null) return { kind: 'date', day }
  const t = parseInstant(value.replace(SPACED_OFFSET, '$1+$2'))
  if (t === null || t < 0) {
    throw refuse(
      'invalid_parameter',
      `expected a date such as 2026-03-29 or an RFC 3339 instant such as 2026-03-29T10:12:00Z, got ` +
        `${JSON.stringify(value)}`,
      field,
    )
  }
  return { kind: 'instant', t }
}

export function resolveZone(tz: string | undefined, site: SiteRecord): string {
  const zone = canonicalZone(tz ?? site.timezone)
  if (zone === null)
    throw refuse('invalid_parameter', `${JSON.stringify(tz)} is not an IANA time zone such as Europe/Berlin`, 'tz')
  return zone
}

/**
 * `from`/`to`/`tz` → the range answered: dates are whole local days; instants are widened outward to
 * quarter-hours. Default: the last 30 days in the zone, today included. `names` are the parameters'
 * names in refusals (HitKeep's `compare_from`/`compare_to` are read the same way: ./hitkeep-stats.ts).
 */
export function resolveWindow(
  q: { from?: string; to?: string; tz?: string },
  site: SiteRecord,
  now: number,
  names: readonly [string, string] = ['from', 'to'],
): Window {
  const zone = resolveZone(q.tz, site)
  let from = parseEnd(q.from, names[0])
  let to = parseEnd(q.to, names[1])
  if (to === undefined) to = { kind: 'date', day: localDayOf(zone, now) }
  if (from === undefined) {
    from =
      to.kind === 'date'
        ? { kind: 'date', day: to.day - (DEFAULT_DAYS - 1) }
        : { kind: 'instant', t: to.t - DEFAULT_DAYS * DAY_MS }
  }
  // Compared as asked, before widening: 10:08 to 10:07 is refused although both widen to 10:00–10:15.
  const asked = (e: End, end: boolean) => (e.kind === 'instant' ? e.t : dayStart(zone, e.day + (end ? 1 : 0)))
  if (asked(from, false) > asked(to, true) || (from.kind === 'date' && to.kind === 'date' && from.day > to.day)) {
    throw refuse('invalid_range', `${q.from} is after ${names[1]} (${q.to ?? 'today'})`, names[0])
  }
  const start = from.kind === 'date' ? dayStart(zone, from.day) : widenDown(from.t)
  const end = to.kind === 'date' ? dayStart(zone, to.day + 1) : widenUp(to.t)
  if (end - start > MAX_RANGE_MS) throw refuse('range_too_large', 'the range is over ten years long', names[0])
  const w: Window = { zone, start, end }
  if (from.kind === 'date' && to.kind === 'date') w.days = [from.day, to.day]
  return w
}

/** The period of equal length just before `w`: as many whole days for date ranges, as many ms otherwise. */
export function previousWindow(w: Window): Window {
  if (w.days) {
    const n = w.days[1] - w.days[0] + 1
    const days: [number, number] = [w.days[0] - n, w.days[0] - 1]
    return { zone: w.zone, start: dayStart(w.zone, days[0]), end: w.start, days }
  }
  return { zone: w.zone, start: w.start - (w.end - w.start), end: w.start }
}

export function resolveInterval(interval: Interval | undefined, w: Window): Interval {
  if (interval) return interval
  const len = w.end - w.start
  return len < 2 * DAY_MS ? 'hour' : len < 180 * DAY_MS ? 'day' : 'month'
}

/** `range` of an answer: the range covered (dates as asked, instants widened), at the zone's offset. */
export function echoRange(w: Window, interval?: Interval) {
  const from = w.days ? formatDay(w.days[0]) : formatInstant(w.zone, w.start)
  const to = w.days ? formatDay(w.days[1]) : formatInstant(w.zone, w.end)
  return {
    from,
    to,
    tz: w.zone,
    ...(interval ? { interval } : {}),
    start: formatInstant(w.zone, w.start),
    end: formatInstant(w.zone, w.end),
  }
}

/**
 * The range covered for `q`, as {@link echoRange} gives it, for answers whose body (an array, as in
 * HitKeep) has no room for it; `q` must have passed the route's own validation.
 */
export function answeredRange(q: { from?: string; to?: string; tz?: string }, site: SiteRecord, now: number) {
  return echoRange(resolveWindow(q, site, now))
}

export function parseLimit(limit: string | undefined, fallback: number): number {
  if (limit === undefined) return fallback
  const n = /^\d{1,4}$/.test(limit) ? Number(limit) : NaN
  if (!(n >= 1 && n <= 1000))
    throw refuse('invalid_parameter', `expected an integer from 1 to 1000, got ${JSON.stringify(limit)}`, 'limit')
  return n
}

export interface Filter {
  type: string
  value: string
}

/** Filter types HitKeep knows (and hitring may refuse as unsupported), besides the supported ones. */
const KNOWN_TYPES = new Set([
  'path',
  'page',
  'prop',
  'hostname',
  'referrer',
  'referrer_host',
  'source',
  'device',
  'country',
  'city',
  'provider',
  'asn',
  'browser',
  'os',
  'language',
  'screen',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'qr_code_id',
  'goal',
  'goal_id',
  'funnel',
  'funnel_id',
  'event',
  'entry_page',
  'exit_page',
])

/**
 * `filter` values → at most one filter of a type in `supported` (aliases resolved by the caller).
 * Two filters at once would need intersections of visitor sets, which sketches give only approximately.
 */
export function parseFilter(
  raw: string | string[] | undefined,
  supported: readonly string[],
  where: string,
): Filter | undefined {
  if (raw === undefined) return undefined
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((s) => s.split(/,(?=[a-z_]+:)/))
  const filters: Filter[] = []
  for (const part of parts) {
    const i = part.indexOf(':')
    const type = part.slice(0, i)
    const value = part.slice(i + 1)
    if (i <= 0 || value === '')
      throw refuse('invalid_filter', `expected type:value, got ${JSON.stringify(part)}`, 'filter')
    if (!KNOWN_TYPES.has(type)) throw refuse('invalid_filter', `unknown filter type ${JSON.stringify(type)}`, 'filter')
    if (!supported.includes(type)) {
      const ok = supported.length ? `only ${supported.join(', ')} filters are` : 'no filter is'
      throw refuse(
        'unsupported_filter',
        `${type} cannot be applied exactly to ${where} from the rollups; ${ok} supported here`,
        'filter',
      )
    }
    if (!filters.some((f) => f.type === type && f.value === value)) filters.push({ type, value })
  }
  if (filters.length > 1)
    throw refuse(
      'unsupported_filter',
      'one filter at a time (combining them needs visitor intersections, which are only approximate)',
      'filter',
    )
  return filters[0]
}
