/**
 * Headline figures of a site over a range, read from rollups and sketches only: O(buckets), whatever
 * the number of events. Visits, bounces and durations are counted at each session's START (see
 * src/sessions/session.ts), so a range holds the sessions that began in it, with their whole length.
 *
 * `readKpis`/`breakdownDays`/`sumDays`/`uniqueVisitorsDays` take site-local day numbers (the first
 * API, used by tests of the drain); the read API uses {@link kpisOf} over any {@link Cover}.
 * @module
 */
import { type Store, Metric } from '../store/index.js'
import { coverOfDays, type Cover } from './cover.js'
import { breakdown, dimVisitors, sumDim, sumTotal, visitors as coverVisitors } from './read.js'
import type { Kpis as ApiKpis } from './schemas.js'

export interface Kpis {
  visitors: number
  visits: number
  pageviews: number
  events: number
  bounces: number
  /** Percent of visits with exactly one pageview (unrounded). */
  bounceRate: number
  /** Average visit duration, seconds (unrounded). */
  visitDuration: number
  viewsPerVisit: number
}

export const round2 = (x: number) => Math.round(x * 100) / 100

/** Every headline figure over a cover, unrounded. */
export function kpisOf(store: Store, site: number, cover: Cover): Kpis {
  const visits = sumTotal(store, site, Metric.VISITS, cover)
  const pageviews = sumTotal(store, site, Metric.PAGEVIEWS, cover)
  const bounces = sumTotal(store, site, Metric.BOUNCES, cover)
  const durationMs = sumTotal(store, site, Metric.DURATION_MS, cover)
  return {
    visitors: coverVisitors(store, site, cover),
    visits,
    pageviews,
    events: sumTotal(store, site, Metric.EVENTS, cover),
    bounces,
    bounceRate: visits === 0 ? 0 : (bounces / visits) * 100,
    visitDuration: visits === 0 ? 0 : durationMs / 1000 / visits,
    viewsPerVisit: visits === 0 ? 0 : pageviews / visits,
  }
}

/**
 * The API's `kpis` object. With a path filter only visitors and pageviews of that page are exact (the
 * rollups keep no visits, bounces or durations per page), so the others are null.
 */
export function apiKpis(store: Store, site: number, cover: Cover, pathId?: number): ApiKpis {
  if (pathId !== undefined) {
    return {
      visitors: dimVisitors(store, site, Metric.PAGEVIEWS, [pathId], cover),
      visits: null,
      pageviews: sumDim(store, site, Metric.PAGEVIEWS, pathId, cover),
      views_per_visit: null,
      bounce_rate: null,
      visit_duration: null,
    }
  }
  const k = kpisOf(store, site, cover)
  return {
    visitors: k.visitors,
    visits: k.visits,
    pageviews: k.pageviews,
    views_per_visit: round2(k.viewsPerVisit),
    bounce_rate: round2(k.bounceRate),
    visit_duration: round2(k.visitDuration),
  }
}

/** The sum of a metric's totals (dim 0) over local days [fromDay, toDay]. */
export function sumDays(store: Store, site: number, metric: number, fromDay: number, toDay: number): number {
  return sumTotal(store, site, metric, coverOfDays(fromDay, toDay + 1))
}

/** Breakdown of a metric over local days [fromDay, toDay]: dim id → count. */
export function breakdownDays(
  store: Store,
  site: number,
  metric: number,
  fromDay: number,
  toDay: number,
): Map<number, number> {
  return breakdown(store, site, metric, coverOfDays(fromDay, toDay + 1))
}

export function uniqueVisitorsDays(store: Store, site: number, fromDay: number, toDay: number): number {
  return coverVisitors(store, site, coverOfDays(fromDay, toDay + 1))
}

export function readKpis(store: Store, site: number, fromDay: number, toDay: number): Kpis {
  return kpisOf(store, site, coverOfDays(fromDay, toDay + 1))
}
