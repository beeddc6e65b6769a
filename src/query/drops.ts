/**
 * `GET /api/sites/{id}/drops`: the events of a range that were acknowledged (202) but deliberately not
 * stored, by reason and per chart bucket — the per-site side of "every 202 is stored or counted".
 *
 * Read from the `DROPPED` rollup (src/store/rollups.ts), whose values are interned reason names
 * (StringKind.DROP_REASON) kept per quarter-hour as well as per site-local day and month, so every range
 * in every zone is exact. The rollup keeps no total row (dim 0), only one row per reason, so each
 * figure is the sum of a breakdown: O(buckets × reasons), and there are fewer than ten reasons.
 * @module
 */
import { type Store, type SiteRecord, Metric, StringKind } from '../store/index.js'
import { coverOf, type Cover } from './cover.js'
import { echoRange, parseFilter, parseQuery, resolveInterval, resolveWindow } from './params.js'
import { plannedPoints } from './points.js'
import { breakdown, topOf } from './read.js'
import { timeseriesQuerySchema, type DropsResponse, type TimeseriesQuery } from './schemas.js'

const dropsByReason = (store: Store, site: number, cover: Cover) => breakdown(store, site, Metric.DROPPED, cover)

function sum(counts: Map<number, number>): number {
  let n = 0
  for (const v of counts.values()) n += v
  return n
}

/**
 * The drops of `site` for `query` (`from`, `to`, `tz`, `interval`, parsed exactly as for stats; a
 * refusal on any bad value). No filter applies to drops: any `filter` is refused, never ignored.
 */
export function siteDrops(store: Store, site: SiteRecord, query: TimeseriesQuery, now: number): DropsResponse {
  const q = parseQuery(timeseriesQuerySchema, query)
  parseFilter(q.filter, [], 'drops')
  const w = resolveWindow(q, site, now)
  const interval = resolveInterval(q.interval, w)
  const points = plannedPoints(w, interval, site.timezone)
  const counts = dropsByReason(store, site.num, coverOf(site.timezone, w.start, w.end))
  return {
    range: echoRange(w, interval),
    total: sum(counts),
    reasons: topOf(store, StringKind.DROP_REASON, counts, counts.size).map((r) => ({ reason: r.name, count: r.value })),
    timeseries: points.map((p) => ({ time: p.time, dropped: sum(dropsByReason(store, site.num, p.cover)) })),
  }
}
