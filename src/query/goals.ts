/**
 * Goal figures, from the rollups every event name and page path has anyway (so a goal created after
 * its events counts them):
 * - completions: the goal's events (EVENTS counter of that exact name) or pageviews (PAGEVIEWS counters
 *   of every path the pattern matches, `*` wildcards included);
 * - conversions: unique visitors in the union of the matching names'/paths' visitor sketches;
 * - conversion rate: conversions ÷ unique visitors of the same range × 100. Every converter is a
 *   visitor, so the true rate is at most 100; estimates of two sketches could cross, hence the clamp;
 * - all goals together ("any goal"): the union of every goal's sketches — a visitor who completed two
 *   goals counts once, which a sum of the goals' conversions cannot know.
 * @module
 */
import { type Store, type SiteRecord, Metric, lookupStringId, StringKind } from '../store/index.js'
import { pathMatches, type Goal } from '../goals/goal.js'
import { coverOf, type Cover } from './cover.js'
import { round2 } from './kpis.js'
import { parseFilter, parseQuery, resolveInterval, resolveWindow } from './params.js'
import { plannedPoints } from './points.js'
import { addDimSketches, breakdown, nameOf, sumDim } from './read.js'
import { UnionBuilder, unionOf } from '../hll/index.js'
import { timeseriesQuerySchema, type AnyGoal, type GoalStats, type TimeseriesQuery } from './schemas.js'

/** What a goal reads: a metric and the dims (event name or paths) that complete it. */
interface GoalDims {
  metric: number
  dims: number[]
}

/**
 * The dims of each goal. Wildcard path goals match against the paths viewed in the range (`pages`, the
 * PAGEVIEWS breakdown of the whole range, computed once and only if some goal needs it).
 */
function goalDims(store: Store, goals: Goal[], pages: () => Map<number, number>): GoalDims[] {
  return goals.map((goal) => {
    if (goal.type === 'event') {
      const id = lookupStringId(store, StringKind.EVENT_NAME, goal.value)
      return { metric: Metric.EVENTS, dims: id ? [id] : [] }
    }
    if (!goal.value.includes('*')) {
      const id = lookupStringId(store, StringKind.PATH, goal.value)
      return { metric: Metric.PAGEVIEWS, dims: id ? [id] : [] }
    }
    const dims = [...pages().keys()].filter((id) => pathMatches(goal.value, nameOf(store, StringKind.PATH, id)))
    return { metric: Metric.PAGEVIEWS, dims }
  })
}

function completions(store: Store, site: number, g: GoalDims, cover: Cover): number {
  let n = 0
  for (const dim of g.dims) n += sumDim(store, site, g.metric, dim, cover)
  return n
}

const rate = (conversions: number, visitors: number) =>
  visitors === 0 ? 0 : Math.min(100, round2((conversions / visitors) * 100))

/**
 * Per goal (in the order given): conversions, completions and rate over a cover with `visitors`
 * visitors; and all goals together (`any`). `breakdownOf(metric)` is the cover's breakdown (shared with
 * the pages and events lists), which gives the completions without further reads.
 *
 * `any` is the union of the goals' unions (UnionBuilder.addUnion): one register max per goal, no read
 * more than the goals' own, O(buckets × goals). (Not each blob fed to both unions: only one union at a
 * time has the WebAssembly registers, ../hll/simd.ts, and the other's JavaScript max is ~8× slower per
 * dense sketch; nor a second read of every sketch, which doubles a wildcard goal's cost.)
 */
export function goalStats(
  store: Store,
  site: number,
  goals: Goal[],
  cover: Cover,
  visitors: number,
  breakdownOf: (metric: number) => Map<number, number>,
): { rows: GoalStats[]; any: AnyGoal } {
  const all = goalDims(store, goals, () => breakdownOf(Metric.PAGEVIEWS))
  const anyGoal = new UnionBuilder()
  try {
    const rows = goals.map((goal, i) => {
      const g = all[i]!
      const one = new UnionBuilder()
      let conversions: number
      try {
        addDimSketches(store, site, g.metric, g.dims, cover, (blob) => one.add(blob))
        anyGoal.addUnion(one)
        conversions = one.estimate()
      } finally {
        one.release()
      }
      const counts = breakdownOf(g.metric)
      return {
        goal_id: goal.id,
        name: goal.name,
        conversions,
        completions: g.dims.reduce((n, dim) => n + (counts.get(dim) ?? 0), 0),
        conversion_rate: rate(conversions, visitors),
      }
    })
    const conversions = anyGoal.estimate()
    const completions = rows.reduce((n, r) => n + r.completions, 0)
    return { rows, any: { conversions, completions, conversion_rate: rate(conversions, visitors) } }
  } finally {
    anyGoal.release()
  }
}

/**
 * `GET /api/sites/{id}/goals/timeseries`: one point per bucket, zeros included, for the goals given
 * (the caller narrows them to the requested goal_id(s)). `conversions` = unique visitors who completed
 * ANY of the goals in the bucket (a union, so two goals reached by one visitor count once);
 * `completions` = the goals' completions summed. No goals → every point zero. No filter is supported.
 */
export function goalsTimeseries(
  store: Store,
  site: SiteRecord,
  goals: Goal[],
  query: TimeseriesQuery,
  now: number,
): Array<{ time: string; conversions: number; completions: number }> {
  const q = parseQuery(timeseriesQuerySchema, query)
  parseFilter(q.filter, [], 'goal timeseries')
  const w = resolveWindow(q, site, now)
  const points = plannedPoints(w, resolveInterval(q.interval, w), site.timezone)
  let pages: Map<number, number> | undefined
  const whole = () => (pages ??= breakdown(store, site.num, Metric.PAGEVIEWS, coverOf(site.timezone, w.start, w.end)))
  const all = goalDims(store, goals, whole)
  return points.map((p) => {
    let done = 0
    const conversions = unionOf((add) => {
      for (const g of all) {
        addDimSketches(store, site.num, g.metric, g.dims, p.cover, add)
        done += completions(store, site.num, g, p.cover)
      }
    })
    return { time: p.time, conversions, completions: done }
  })
}
