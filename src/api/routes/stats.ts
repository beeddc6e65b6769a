/**
 * The read routes, wired to the query layer (src/query): stats, the goal timeseries, the events
 * breakdowns, and the drops (acknowledged but not stored: src/query/drops.ts). Every answer is computed from rollups;
 * the query layer refuses what it cannot answer exactly with a `Refusal` (→ 400 with its own code).
 *
 * Every route is a {@link readRoute}: the site with the viewer role at least, the answer at one `now`.
 * Every answer says which range it covers (instants are widened to whole quarter-hours) in two
 * headers, since most bodies are bare arrays, as in HitKeep: `X-Hitring-Range-Start` and
 * `X-Hitring-Range-End`, the `range.start`/`range.end` of the bodies that have a `range`.
 * @module
 */
import { z } from 'zod'
import { refuse } from '../../errors/index.js'
import { listGoals } from '../../goals/store.js'
import {
  answeredRange,
  eventPropertyKeys,
  eventPropertyKeysResponseSchema,
  eventPropertyValues,
  eventPropertyValuesResponseSchema,
  eventsList,
  eventsListResponseSchema,
  eventsQuerySchema,
  eventTimeseries,
  eventTimeseriesResponseSchema,
  dropsResponseSchema,
  goalsTimeseries,
  goalsTimeseriesResponseSchema,
  siteDrops,
  siteStats,
  statsQuerySchema,
  statsResponseSchema,
  timeseriesQuerySchema,
} from '../../query/index.js'
import { siteIdParams } from '../schemas.js'
import { siteRoute, type SiteCall } from '../site-route.js'
import type { RouteDef } from '../types.js'

/** The range an answer covers (src/query/params.ts echoRange), as headers. */
const rangeHeaders = (r: { start: string; end: string }) => ({
  'X-Hitring-Range-Start': r.start,
  'X-Hitring-Range-End': r.end,
})
const headers = {
  'X-Hitring-Range-Start':
    "First instant counted (RFC 3339 at the reporting zone's offset): `from`, an instant rounded down to a " +
    'quarter-hour',
  'X-Hitring-Range-End': 'First instant not counted: the day after a `to` date, or `to` rounded up to a quarter-hour',
}

const eventParams = siteIdParams.extend({ name: z.string().describe('Event name (percent-encoded in the path)') })
const goalsTimeseriesQuery = timeseriesQuerySchema.extend({
  goal_id: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe('Repeatable; default all goals of the site'),
})

type Range = { start: string; end: string }

/**
 * A read route, the preamble of all of them in one place: GET, any caller with the viewer role on the
 * site (src/api/site-route.ts), the body `read` at one `now`, answered 200 with the range it covers in
 * the headers — the body's own `range` when it has one (`rangeOf`), else the query's range as the
 * query layer resolves it (answeredRange), taken after the body so a bad range is refused by the query.
 */
type RangeQuery = z.ZodType<{ from?: string; to?: string; tz?: string }>

function readRoute<P extends z.ZodType<{ id: string }>, Q extends RangeQuery, T>(def: {
  path: string
  summary: string
  tag?: string
  params: P
  query: Q
  schema: z.ZodType
  /** The range the body itself says it covers, when it says one. */
  rangeOf?: (body: T) => Range
  read(call: SiteCall<z.output<P>, z.output<Q>>, now: number): T
}): RouteDef {
  return siteRoute({
    tag: def.tag ?? 'stats',
    access: 'any',
    limit: 'api',
    role: 'viewer',
    method: 'GET',
    path: def.path,
    summary: def.summary,
    params: def.params,
    query: def.query,
    responses: { 200: { description: 'OK', schema: def.schema, headers } },
    handle(call) {
      const now = call.deps.now()
      const body = def.read(call, now)
      const range = def.rangeOf ? def.rangeOf(body) : answeredRange(call.query, call.site, now)
      return { status: 200, body, headers: rangeHeaders(range) }
    },
  })
}

export const statsRoutes = [
  readRoute({
    path: '/api/sites/:id/stats',
    summary: 'KPIs, chart, top lists, goals and events of a range',
    params: siteIdParams,
    query: statsQuerySchema,
    schema: statsResponseSchema,
    read: ({ site, query, deps }, now) => siteStats(deps.store, site, listGoals(deps.store, site.id), query, now),
    rangeOf: (body) => body.range,
  }),

  readRoute({
    path: '/api/sites/:id/goals/timeseries',
    summary: 'Conversions and completions per bucket, zeros included',
    tag: 'goals',
    params: siteIdParams,
    query: goalsTimeseriesQuery,
    schema: goalsTimeseriesResponseSchema,
    read({ site, query, deps }, now) {
      const { goal_id, ...range } = query
      let goals = listGoals(deps.store, site.id)
      if (goal_id !== undefined) {
        const wanted = new Set(Array.isArray(goal_id) ? goal_id : [goal_id])
        for (const id of wanted) if (!goals.some((g) => g.id === id)) throw refuse('unknown_goal', id)
        goals = goals.filter((g) => wanted.has(g.id))
      }
      return goalsTimeseries(deps.store, site, goals, range, now)
    },
  }),

  readRoute({
    path: '/api/sites/:id/events',
    summary: 'Custom event names with totals and unique visitors',
    params: siteIdParams,
    query: eventsQuerySchema,
    schema: eventsListResponseSchema,
    read: ({ site, query, deps }, now) => eventsList(deps.store, site, query, now),
  }),

  readRoute({
    path: '/api/sites/:id/events/:name/properties',
    summary: "An event's property keys",
    params: eventParams,
    query: eventsQuerySchema,
    schema: eventPropertyKeysResponseSchema,
    read: ({ site, params, query, deps }, now) => eventPropertyKeys(deps.store, site, params.name, query, now),
  }),

  readRoute({
    path: '/api/sites/:id/events/:name/properties/:key',
    summary: 'The values of one property of an event, with totals and unique visitors',
    params: eventParams.extend({ key: z.string() }),
    query: eventsQuerySchema,
    schema: eventPropertyValuesResponseSchema,
    read: ({ site, params, query, deps }, now) =>
      eventPropertyValues(deps.store, site, params.name, params.key, query, now),
  }),

  readRoute({
    path: '/api/sites/:id/events/:name/timeseries',
    summary: 'Events and unique visitors per bucket',
    params: eventParams,
    query: eventsQuerySchema,
    schema: eventTimeseriesResponseSchema,
    read: ({ site, params, query, deps }, now) => eventTimeseries(deps.store, site, params.name, query, now),
  }),

  readRoute({
    path: '/api/sites/:id/drops',
    summary: 'Events acknowledged but not stored (bots, prefetches, exclusions…): the total, by reason, and per bucket',
    params: siteIdParams,
    // The range is parsed and refused exactly as for the timeseries.
    query: timeseriesQuerySchema,
    schema: dropsResponseSchema,
    read: ({ site, query, deps }, now) => siteDrops(deps.store, site, query, now),
    rangeOf: (body) => body.range,
  }),
]
