/**
 * Custom-event analytics from the rollups: names with totals and visitors (EVENTS breakdown, kept per
 * quarter-hour too, so any range is exact), property keys and values (PROPS breakdown of interned
 * `name id · key · value` texts, kept per day and month only — so a range cut inside a site day is
 * refused with `unsupported_range`), and per-name charts.
 * @module
 */
import {
  type Store,
  type SiteRecord,
  Metric,
  lookupStringId,
  parsePropDim,
  propDimText,
  StringKind,
  Q15_MS,
} from '../store/index.js'
import { coverOf, type Cover } from './cover.js'
import { refuse } from '../errors/index.js'
import { parseFilter, parseLimit, parseQuery, resolveInterval, resolveWindow, type Window } from './params.js'
import { plannedPoints } from './points.js'
import { breakdown, canBreakDown, dimVisitors, nameOf, sumDim, topOf } from './read.js'
import { canonicalZone } from './zone.js'
import { eventsQuerySchema, type EventRow, type EventsQuery } from './schemas.js'

const DEFAULT_LIMIT = 100

/** Event names over a cover by total (desc, then name), with unique visitors. */
export function eventRows(
  store: Store,
  site: number,
  cover: Cover,
  limit: number,
  counts = breakdown(store, site, Metric.EVENTS, cover),
): EventRow[] {
  return topOf(store, StringKind.EVENT_NAME, counts, limit).map((r) => ({
    name: r.name,
    total: r.value,
    visitors: dimVisitors(store, site, Metric.EVENTS, [r.dim], cover),
  }))
}

interface Prepared {
  w: Window
  cover: Cover
  limit: number
  nameId: number
}

function prepare(
  store: Store,
  site: SiteRecord,
  eventName: string | undefined,
  query: EventsQuery,
  now: number,
  where: string,
): Prepared {
  const q = parseQuery(eventsQuerySchema, query)
  parseFilter(q.filter, [], where)
  const limit = parseLimit(q.limit, DEFAULT_LIMIT)
  const w = resolveWindow(q, site, now)
  const nameId = eventName === undefined ? 0 : lookupStringId(store, StringKind.EVENT_NAME, eventName)
  return { w, cover: coverOf(site.timezone, w.start, w.end), limit, nameId }
}

/** Refuses what would need property breakdowns inside a day (kept per site-local day and month only). */
function requireWholeDays(cover: Cover, w: Window, site: SiteRecord, hourly = false): void {
  if (canBreakDown(Metric.PROPS, cover)) return
  const field = hourly
    ? 'interval'
    : w.zone !== canonicalZone(site.timezone)
      ? 'tz'
      : cover.q15[0]![0] * Q15_MS === w.start
        ? 'from'
        : 'to'
  throw refuse(
    'unsupported_range',
    `event properties are kept per day in the site's zone (${site.timezone}); ask for whole days there (dates ` +
      `without tz, or instants at its midnights)`,
    field,
  )
}

/** The PROPS breakdown of one event name: { key, value, dim, total } per value. */
function propValues(store: Store, site: number, nameId: number, cover: Cover) {
  const out: Array<{ key: string; value: string; dim: number; total: number }> = []
  if (nameId === 0) return out
  for (const [dim, total] of breakdown(store, site, Metric.PROPS, cover)) {
    const p = parsePropDim(nameOf(store, StringKind.PROP, dim))
    if (p.nameId === nameId) out.push({ key: p.key, value: p.value, dim, total })
  }
  return out
}

const byTotalThen =
  <T extends { total: number }>(name: (x: T) => string) =>
  (a: T, b: T) =>
    b.total - a.total || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0)

/** `GET /api/sites/{id}/events`: names with totals and unique visitors, by total then name. */
export function eventsList(store: Store, site: SiteRecord, query: EventsQuery, now: number): EventRow[] {
  const { cover, limit } = prepare(store, site, undefined, query, now, 'the events list')
  return eventRows(store, site.num, cover, limit)
}

/** `GET /api/sites/{id}/events/{name}/properties`: keys, with the number of events carrying each. */
export function eventPropertyKeys(
  store: Store,
  site: SiteRecord,
  eventName: string,
  query: EventsQuery,
  now: number,
): Array<{ key: string; total: number }> {
  const { w, cover, limit, nameId } = prepare(store, site, eventName, query, now, 'event properties')
  requireWholeDays(cover, w, site)
  const keys = new Map<string, number>()
  for (const v of propValues(store, site.num, nameId, cover)) keys.set(v.key, (keys.get(v.key) ?? 0) + v.total)
  return [...keys]
    .map(([key, total]) => ({ key, total }))
    .sort(byTotalThen((x) => x.key))
    .slice(0, limit)
}

/** `GET /api/sites/{id}/events/{name}/properties/{key}`: values with totals and unique visitors. */
export function eventPropertyValues(
  store: Store,
  site: SiteRecord,
  eventName: string,
  key: string,
  query: EventsQuery,
  now: number,
): Array<{ value: string; total: number; visitors: number }> {
  const { w, cover, limit, nameId } = prepare(store, site, eventName, query, now, 'event property values')
  requireWholeDays(cover, w, site)
  return propValues(store, site.num, nameId, cover)
    .filter((v) => v.key === key)
    .sort(byTotalThen((x) => x.value))
    .slice(0, limit)
    .map((v) => ({
      value: v.value,
      total: v.total,
      visitors: dimVisitors(store, site.num, Metric.PROPS, [v.dim], cover),
    }))
}

/**
 * `GET /api/sites/{id}/events/{name}/timeseries`: events and unique visitors per bucket. With
 * `filter=prop:<key>=<value>`, only events carrying that property value (day-aligned buckets only).
 */
export function eventTimeseries(
  store: Store,
  site: SiteRecord,
  eventName: string,
  query: EventsQuery,
  now: number,
): Array<{ time: string; total: number; visitors: number }> {
  const q = parseQuery(eventsQuerySchema, query)
  const filter = parseFilter(q.filter, ['prop'], 'an event timeseries')
  const w = resolveWindow(q, site, now)
  const interval = resolveInterval(q.interval, w)
  const points = plannedPoints(w, interval, site.timezone)
  const nameId = lookupStringId(store, StringKind.EVENT_NAME, eventName)
  let metric: number = Metric.EVENTS
  let dim = nameId
  if (filter) {
    const eq = filter.value.indexOf('=')
    if (eq <= 0) throw refuse('invalid_filter', 'expected prop:<key>=<value>', 'filter')
    metric = Metric.PROPS
    dim =
      nameId &&
      lookupStringId(store, StringKind.PROP, propDimText(nameId, filter.value.slice(0, eq), filter.value.slice(eq + 1)))
    for (const p of points) requireWholeDays(p.cover, w, site, interval === 'hour')
  }
  return points.map((p) => ({
    time: p.time,
    total: sumDim(store, site.num, metric, dim, p.cover),
    visitors: dimVisitors(store, site.num, metric, [dim], p.cover),
  }))
}
