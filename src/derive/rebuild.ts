/**
 * Rebuilds what depends on a site's time zone — its local-day and local-month counters and sketches —
 * after the zone changed, so every figure stays correct. 15-minute buckets are in UTC and stay; drops
 * (not raw events) are re-bucketed from their 15-minute counters; everything else is replayed from the
 * raw events through the drain's own derivation.
 *
 * Call inside a write transaction (an admin op in a worker), in the same transaction that changes the
 * zone. Costs O(the site's events): an administrative action, not a read.
 * @module
 */
import { Granularity, Q15_MS, type Store, Metric, RollupDeltas, getSiteByNum, clearPacked } from '../store/index.js'
import { replayEvents } from './replay.js'

const LOCAL = [Granularity.DAY, Granularity.MONTH]
const SKETCHED = [Metric.PAGEVIEWS, Metric.EVENTS, Metric.PROPS]

function removeRange(db: Store['rollups'] | Store['uniques'], start: unknown[], end: unknown[]): void {
  for (const { key } of db.getRange({ start: start as never, end: end as never })) db.remove(key)
}

export function rebuildSiteRollups(store: Store, siteNum: number): void {
  const site = getSiteByNum(store, siteNum)
  if (!site) return
  const drops = new RollupDeltas()
  for (const { key, value } of store.rollups.getRange({
    start: [siteNum, Metric.DROPPED, Granularity.Q15],
    end: [siteNum, Metric.DROPPED, Granularity.Q15 + 1],
  })) {
    const [, , , q, dim] = key as number[]
    drops.count(site, Metric.DROPPED, q! * Q15_MS, dim!, value as number)
  }
  clearPacked(store, siteNum) // re-packed from the new rows by the next packing pass
  for (const metric of Object.values(Metric)) {
    for (const g of LOCAL) removeRange(store.rollups, [siteNum, metric, g], [siteNum, metric, g + 1])
  }
  for (const g of LOCAL) removeRange(store.uniques, [siteNum, g], [siteNum, g + 1])
  for (const metric of SKETCHED) {
    for (const g of LOCAL) removeRange(store.dimUniques, [siteNum, metric, g], [siteNum, metric, g + 1])
  }
  const local = (key: unknown[]) => LOCAL.includes(key[key.length === 3 ? 1 : 2] as 2 | 3)
  drops.applyInTransaction(store, local)
  const replay = replayEvents(store, siteNum)
  replay.deltas.applyInTransaction(store, local)
  replay.uniques.applyInTransaction(store, local)
}
