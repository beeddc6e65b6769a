/**
 * Headline figures of a site over a range of its local days, read from rollups and sketches only:
 * O(days), whatever the number of events. The read API (issue 4) builds on these functions.
 * @module
 */
import type { Store } from '../store/open.js'
import { Granularity } from '../store/buckets.js'
import { Metric } from '../store/rollups.js'
import { estimateUnion } from '../hll/index.js'

export interface Kpis {
  visitors: number
  visits: number
  pageviews: number
  events: number
  bounces: number
  /** Percent of visits with exactly one pageview. */
  bounceRate: number
  /** Average visit duration, seconds. */
  visitDuration: number
  viewsPerVisit: number
}

/** The sum of a metric's totals (dim 0) over local days [fromDay, toDay]: one read per day. */
export function sumDays(store: Store, site: number, metric: number, fromDay: number, toDay: number): number {
  let sum = 0
  for (let day = fromDay; day <= toDay; day++) sum += (store.rollups.get([site, metric, Granularity.DAY, day, 0]) as number | undefined) ?? 0
  return sum
}

/**
 * Breakdown of a metric over local days: dim id → count. Scans the days' keys (O(days × dims)); the
 * read API adds ordering and limits.
 */
export function breakdownDays(store: Store, site: number, metric: number, fromDay: number, toDay: number): Map<number, number> {
  const out = new Map<number, number>()
  for (let day = fromDay; day <= toDay; day++) {
    for (const { key, value } of store.rollups.getRange({ start: [site, metric, Granularity.DAY, day, 1], end: [site, metric, Granularity.DAY, day + 1] })) {
      const dim = (key as number[])[4]!
      out.set(dim, (out.get(dim) ?? 0) + (value as number))
    }
  }
  return out
}

export function uniqueVisitorsDays(store: Store, site: number, fromDay: number, toDay: number): number {
  const blobs: Uint8Array[] = []
  for (const { value } of store.uniques.getRange({ start: [site, Granularity.DAY, fromDay], end: [site, Granularity.DAY, toDay + 1] })) {
    blobs.push(value as Uint8Array)
  }
  return blobs.length === 0 ? 0 : Math.round(estimateUnion(blobs))
}

export function readKpis(store: Store, site: number, fromDay: number, toDay: number): Kpis {
  const visits = sumDays(store, site, Metric.VISITS, fromDay, toDay)
  const pageviews = sumDays(store, site, Metric.PAGEVIEWS, fromDay, toDay)
  const bounces = sumDays(store, site, Metric.BOUNCES, fromDay, toDay)
  const durationMs = sumDays(store, site, Metric.DURATION_MS, fromDay, toDay)
  return {
    visitors: uniqueVisitorsDays(store, site, fromDay, toDay),
    visits,
    pageviews,
    events: sumDays(store, site, Metric.EVENTS, fromDay, toDay),
    bounces,
    bounceRate: visits === 0 ? 0 : (bounces / visits) * 100,
    visitDuration: visits === 0 ? 0 : durationMs / 1000 / visits,
    viewsPerVisit: visits === 0 ? 0 : pageviews / visits,
  }
}
