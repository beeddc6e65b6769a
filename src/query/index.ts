/**
 * The read API's engine: pure functions over a {@link Store} that the REST layer calls, one per route.
 * Every answer is computed from rollup counters and HyperLogLog sketches over the fewest buckets that
 * make up the range EXACTLY (./cover.ts): whole site-local months, then whole days, then UTC
 * quarter-hours for what is left — never from raw events, so its cost is O(buckets × dimensions
 * shown) whatever the number of events stored. A question the rollups cannot answer exactly is refused
 * with a `Refusal` (→ HTTP 400 `{code, message, field}`; codes in src/errors/catalogue.ts) or, inside
 * `/stats`, answered null and listed in `unavailable` — never approximated, never silently ignored.
 *
 * Parameters (strings as in the URL; schemas in ./schemas.ts):
 * - `from`/`to`: dates `YYYY-MM-DD` (whole days in the reporting zone, both inclusive) or any RFC 3339
 *   instants (`to` exclusive), widened outward to whole 15-minute buckets (`from` down, `to` up): the
 *   answer's `range` says what it covered; default the last 30 days, today included.
 * - `tz`: reporting zone, default the site's; any IANA zone is answered exactly (its day boundaries
 *   read from quarter-hours) while a chart reads at most 8,928 quarter-hours (≈ 92 days by the hour,
 *   or by the day in a zone whose midnights are not the site's); beyond, `range_too_large`.
 * - `interval`: hour | day | week (ISO, Monday) | month; default hour < 48 h ≤ day < 180 days ≤ month.
 * - `time` values are the bucket's start, RFC 3339 at the zone's offset at that instant
 *   (`2026-03-29T03:00:00+02:00`; `Z` when the offset is zero).
 * - `filter`: `path:<exact path>` (alias `page:`) on stats; `prop:<key>=<value>` on an event
 *   timeseries; one at a time. Everything else → `unsupported_filter` (known types) / `invalid_filter`.
 * - `limit`: 1…1000; default 10 on stats lists, 100 on event lists. `compare=previous` on stats.
 * @module
 */
export {
  rangeQuerySchema,
  timeseriesQuerySchema,
  statsQuerySchema,
  eventsQuerySchema,
  kpisSchema,
  rangeSchema,
  goalStatsSchema,
  anyGoalSchema,
  eventRowSchema,
  statsResponseSchema,
  goalsTimeseriesResponseSchema,
  eventsListResponseSchema,
  eventPropertyKeysResponseSchema,
  eventPropertyValuesResponseSchema,
  eventTimeseriesResponseSchema,
  dropsResponseSchema,
  type RangeQuery,
  type TimeseriesQuery,
  type StatsQuery,
  type EventsQuery,
  type StatsResponse,
  type Kpis,
  type GoalStats,
  type AnyGoal,
  type EventRow,
  type DropsResponse,
} from './schemas.js'
export { siteStats } from './stats.js'
export { goalsTimeseries } from './goals.js'
export { eventsList, eventPropertyKeys, eventPropertyValues, eventTimeseries } from './events.js'
export { siteDrops } from './drops.js'
export { MAX_POINTS, MAX_Q15 } from './points.js'
export { answeredRange } from './params.js'
export { todayIn } from './zone.js'
