/**
 * The read routes, wired to the query layer (src/query): stats, the goal timeseries, the events
 * breakdowns, and the drops (acknowledged but not stored: src/query/drops.ts). Every answer is computed from rollups; the query layer refuses what it cannot answer
 * exactly with a `Refusal` (→ 400 with its own code).
 *
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
import { siteFor } from '../access.js'
import { route } from '../route.js'
import { siteIdParams } from '../schemas.js'

/** The range an answer covers (src/query/params.ts echoRange), as headers. */
const rangeHeaders = (r: { start: string; end: string }) => ({ 'X-Hitring-Range-Start': r.start, 'X-Hitring-Range-End': r.end })
const headers = {
  'X-Hitring-Range-Start': 'First instant counted (RFC 3339 at the reporting zone\'s offset): `from`, an instant rounded down to a quarter-hour',
  'X-Hitring-Range-End': 'First instant not counted: the day after a `to` date, or `to` rounded up to a quarter-hour',
}
const ok = (schema: z.ZodType) => ({ 200: { description: 'OK', schema, headers } })

const common = { tag: 'stats', access: 'any', limit: 'api' } as const
const eventParams = siteIdParams.extend({ name: z.string().describe('Event name (percent-encoded in the path)') })
const goalsTimeseriesQuery = timeseriesQuerySchema.extend({
  goal_id: z.union([z.string(), z.array(z.string())]).optional().describe('Repeatable; default all goals of the site'),
})

export const statsRoutes = [
  route({
    ...common,
    method: 'GET',
    path: '/api/sites/:id/stats',
    summary: 'KPIs, chart, top lists, goals and events of a range',
    params: siteIdParams,
    query: statsQuerySchema,
    responses: ok(statsResponseSchema),
    handle({ params, query, principal, deps }) {
      const { site } = siteFor(deps.store, principal, params.id, 'viewer')
      const body = siteStats(deps.store, site, listGoals(deps.store, site.id), query, deps.now())
      return { status: 200, body, headers: rangeHeaders(body.range) }
    },
  }),

  route({
    ...common,
    method: 'GET',
    path: '/api/sites/:id/goals/timeseries',
    summary: 'Conversions and completions per bucket, zeros included',
    tag: 'goals',
    params: siteIdParams,
    query: goalsTimeseriesQuery,
    responses: ok(goalsTimeseriesResponseSchema),
    handle({ params, query, principal, deps }) {
      const { site } = siteFor(deps.store, principal, params.id, 'viewer')
      const { goal_id, ...range } = query
      let goals = listGoals(deps.store, site.id)
      if (goal_id !== undefined) {
        const wanted = new Set(Array.isArray(goal_id) ? goal_id : [goal_id])
        for (const id of wanted) if (!goals.some((g) => g.id === id)) throw refuse('unknown_goal', id)
        goals = goals.filter((g) => wanted.has(g.id))
      }
      const now = deps.now()
      return { status: 200, body: goalsTimeseries(deps.store, site, goals, range, now), headers: rangeHeaders(answeredRange(range, site, now)) }
    },
  }),

  route({
    ...common,
    method: 'GET',
    path: '/api/sites/:id/events',
    summary: 'Custom event names with totals and unique visitors',
    params: siteIdParams,
    query: eventsQuerySchema,
    responses: ok(eventsListResponseSchema),
    handle({ params, query, principal, deps }) {
      const { site } = siteFor(deps.store, principal, params.id, 'viewer')
      const now = deps.now()
      return { status: 200, body: eventsList(deps.store, site, query, now), headers: rangeHeaders(answeredRange(query, site, now)) }
    },
  }),

  route({
    ...common,
    method: 'GET',
    path: '/api/sites/:id/events/:name/properties',
    summary: "An event's property keys",
    params: eventParams,
    query: eventsQuerySchema,
    responses: ok(eventPropertyKeysResponseSchema),
    handle({ params, query, principal, deps }) {
      const { site } = siteFor(deps.store, principal, params.id, 'viewer')
      const now = deps.now()
      return { status: 200, body: eventPropertyKeys(deps.store, site, params.name, query, now), headers: rangeHeaders(answeredRange(query, site, now)) }
    },
  }),

  route({
    ...common,
    method: 'GET',
    path: '/api/sites/:id/events/:name/properties/:key',
    summary: "The values of one property of an event, with totals and unique visitors",
    params: eventParams.extend({ key: z.string() }),
    query: eventsQuerySchema,
    responses: ok(eventPropertyValuesResponseSchema),
    handle({ params, query, principal, deps }) {
      const { site } = siteFor(deps.store, principal, params.id, 'viewer')
      const now = deps.now()
      return { status: 200, body: eventPropertyValues(deps.store, site, params.name, params.key, query, now), headers: rangeHeaders(answeredRange(query, site, now)) }
    },
  }),

  route({
    ...common,
    method: 'GET',
    path: '/api/sites/:id/events/:name/timeseries',
    summary: 'Events and unique visitors per bucket',
    params: eventParams,
    query: eventsQuerySchema,
    responses: ok(eventTimeseriesResponseSchema),
    handle({ params, query, principal, deps }) {
      const { site } = siteFor(deps.store, principal, params.id, 'viewer')
      const now = deps.now()
      return { status: 200, body: eventTimeseries(deps.store, site, params.name, query, now), headers: rangeHeaders(answeredRange(query, site, now)) }
    },
  }),

  route({
    ...common,
    method: 'GET',
    path: '/api/sites/:id/drops',
    summary: 'Events acknowledged but not stored (bots, prefetches, exclusions…): the total, by reason, and per bucket',
    params: siteIdParams,
    // The range is parsed and refused exactly as for the timeseries.
    query: timeseriesQuerySchema,
    responses: ok(dropsResponseSchema),
    handle({ params, query, principal, deps }) {
      const { site } = siteFor(deps.store, principal, params.id, 'viewer')
      const body = siteDrops(deps.store, site, query, deps.now())
      return { status: 200, body, headers: rangeHeaders(body.range) }
    },
  }),
]
