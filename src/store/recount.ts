/**
 * Recounts every rollup from the raw events and compares with the stored counters. Rollups are written
 * in the same transaction as the events they count, so this must always come out equal — it is the
 * check behind `hitring verify` and the store tests. It scans everything: never call it on a read path.
 * @module
 */
import { allBlocks } from './events.js'
import type { Store } from './open.js'
import { RollupDeltas, rollupKeysOf, type RollupKey } from './rollups.js'
import { getSiteByNum } from './sites.js'

export interface RecountReport {
  events: number
  counters: number
  mismatches: Array<{ key: RollupKey; stored: number; recounted: number }>
}

export function recount(store: Store): RecountReport {
  const expected = new RollupDeltas()
  const zones = new Map<number, string>()
  let events = 0
  for (const { siteNum, block } of allBlocks(store)) {
    let tz = zones.get(siteNum)
    if (tz === undefined) {
      tz = getSiteByNum(store, siteNum)?.timezone ?? 'UTC'
      zones.set(siteNum, tz)
    }
    for (const [dt, kind, nameId, pathId] of block.e) {
      events++
      rollupKeysOf({ siteNum, timezone: tz, ts: block.t0 + dt, kind, nameId, pathId }, expected.add)
    }
  }
  const mismatches: RecountReport['mismatches'] = []
  const seen = new Set<string>()
  for (const { key, n } of expected.entries()) {
    seen.add(key.join(','))
    const stored = (store.rollups.get(key) as number | undefined) ?? 0
    if (stored !== n) mismatches.push({ key, stored, recounted: n })
  }
  let counters = 0
  for (const { key, value } of store.rollups.getRange({})) {
    counters++
    if (!seen.has((key as RollupKey).join(','))) mismatches.push({ key: key as RollupKey, stored: value as number, recounted: 0 })
  }
  return { events, counters, mismatches }
}
