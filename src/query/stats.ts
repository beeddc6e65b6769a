/**
 * `GET /api/sites/{id}/stats`: KPIs, chart, top lists, goals and events of one range, every figure
 * read from rollups over the fewest buckets (./cover.ts), so its cost does not grow with the number of
 * events stored.
 *
 * A figure that cannot be answered EXACTLY is null and listed in `unavailable`, never approximated
 * and never silently left unfiltered:
 * - under `filter=path:<p>` only visitors, pageviews, the chart and the pages list can be restricted
 *   to the page (the rollups keep no visits, bounces, sources… per page);
 * - for a range cut inside a site-local day (instants off the site's midnights, or another `tz`), the
 *   session lists (entry/exit pages, sources, UTM, browsers, OS, devices, languages) are null while the store
 *   keeps their breakdowns per day only (src/store/rollups.ts `hasQ15Breakdown`); pages, events,
 *   goals, KPIs and the chart are exact for any range.
 * @module
 */
import { type Store, type SiteRecord, DIM_KIND, Metric, lookupStringId, StringKind } from '../store/index.js'
import type { Goal } from '../goals/goal.js'
import { coverOf } from './cover.js'
import { eventRows } from './events.js'
import { goalStats } from './goals.js'
import { apiKpis } from './kpis.js'
import { comparedWindow, refuseVisitorFilters, statsFilters } from './hitkeep-stats.js'
import { echoRange, parseFilter, parseLimit, parseQuery, resolveInterval, resolveWindow } from './params.js'
import { plannedPoints } from './points.js'
import { breakdown, canBreakDown, dimVisitors, sumDim, sumTotal, topOf, visitors } from './read.js'
import { LISTED_FIELDS } from '../event/index.js'
import { statsQuerySchema, type StatsQuery, type StatsResponse } from './schemas.js'

/**
 * The session lists of `top`, by the visits that started with each value: the entry and exit pages,
 * then the visit attributes of the event's table that it lists (src/event/fields.ts `list`), in its order.
 */
const SESSION_LISTS = [
  ['entry_pages', Metric.ENTRY_PAGES],
  ['exit_pages', Metric.EXIT_PAGES],
  ...LISTED_FIELDS.map((f) => [f.list, f.metric] as const),
] as const

type Unavailable = StatsResponse['unavailable'][number]
type SessionLists = { [K in (typeof SESSION_LISTS)[number][0]]: Array<{ name: string; value: number }> | null }

/**
 * The stats of `site` for `query` (strings as received; validated here, a refusal on any bad value).
 * `goals` are the site's goals in the order to show; `now` (epoch ms) fixes "today" for the defaults.
 */
export function siteStats(
  store: Store,
  site: SiteRecord,
  goals: Goal[],
  query: StatsQuery,
  now: number,
): StatsResponse {
  const q = parseQuery(statsQuerySchema, query)
  const filter = parseFilter(statsFilters(q), ['path', 'page'], 'stats')
  refuseVisitorFilters(q)
  const limit = parseLimit(q.limit, 10)
  const w = resolveWindow(q, site, now)
  const prev = comparedWindow(q, w, site, now)
  const interval = resolveInterval(q.interval, w)
  const points = plannedPoints(w, interval, site.timezone)
  const cover = coverOf(site.timezone, w.start, w.end)
  const num = site.num
  // Under a path filter every page figure is of that one page; an unknown path is 0 everywhere.
  const pathId = filter ? lookupStringId(store, StringKind.PATH, filter.value) : undefined
  const unavailable: Unavailable[] = []
  const notFilterable = (field: string) =>
    unavailable.push({
      field,
      code: 'not_filterable',
      message: `${field} cannot be restricted to one page exactly from the rollups`,
    })

  const kpis = apiKpis(store, num, cover, pathId)
  if (pathId !== undefined)
    for (const k of ['visits', 'views_per_visit', 'bounce_rate', 'visit_duration']) notFilterable(`kpis.${k}`)

  const timeseries = points.map((p) =>
    pathId === undefined
      ? {
          time: p.time,
          visitors: visitors(store, num, p.cover),
          pageviews: sumTotal(store, num, Metric.PAGEVIEWS, p.cover),
        }
      : {
          time: p.time,
          visitors: dimVisitors(store, num, Metric.PAGEVIEWS, [pathId], p.cover),
          pageviews: sumDim(store, num, Metric.PAGEVIEWS, pathId, p.cover),
        },
  )

  // Breakdowns of the whole range, read once each: pages and events feed their lists and the goals.
  const breakdowns = new Map<number, Map<number, number>>()
  const breakdownOf = (metric: number) => {
    let counts = breakdowns.get(metric)
    if (!counts) breakdowns.set(metric, (counts = breakdown(store, num, metric, cover)))
    return counts
  }
  const shownPages =
    pathId === undefined
      ? breakdownOf(Metric.PAGEVIEWS)
      : new Map([[pathId, sumDim(store, num, Metric.PAGEVIEWS, pathId, cover)]])
  const pages = topOf(store, StringKind.PATH, shownPages, limit).map((r) => ({
    name: r.name,
    value: r.value,
    visitors: dimVisitors(store, num, Metric.PAGEVIEWS, [r.dim], cover),
  }))

  const lists = {} as SessionLists
  for (const [field, metric] of SESSION_LISTS) {
    lists[field] = null
    if (pathId !== undefined) notFilterable(`top.${field}`)
    else if (!canBreakDown(metric, cover)) {
      unavailable.push({
        field: `top.${field}`,
        code: 'partial_day',
        message: `top.${field} is kept per day in the site's zone (${site.timezone}); ask for whole days there for it`,
      })
    } else
      lists[field] = topOf(store, DIM_KIND[metric]!, breakdown(store, num, metric, cover), limit).map(
        ({ name, value }) => ({ name, value }),
      )
  }

  let goalRows: StatsResponse['goals'] = null
  let anyGoal: StatsResponse['any_goal'] = null
  let events: StatsResponse['events'] = null
  if (pathId === undefined) {
    const g = goalStats(store, num, goals, cover, kpis.visitors, breakdownOf)
    goalRows = g.rows
    anyGoal = g.any
    events = eventRows(store, num, cover, limit, breakdownOf(Metric.EVENTS))
  } else {
    notFilterable('goals')
    notFilterable('any_goal')
    notFilterable('events')
  }

  const response: StatsResponse = {
    range: echoRange(w, interval),
    kpis,
    timeseries,
    top: { pages, ...lists },
    goals: goalRows,
    any_goal: anyGoal,
    events,
    unavailable,
  }
  if (prev) {
    response.previous = {
      range: echoRange(prev),
      kpis: apiKpis(store, num, coverOf(site.timezone, prev.start, prev.end), pathId),
    }
  }
  return response
}
