/**
 * Recounts every rollup and unique-visitor sketch from the raw events and compares them with what is
 * stored. Raw events, rollups and sketches are written in one transaction per batch, so this must always
 * come out equal — it is the check behind `hitring verify` and the store tests. It replays every session
 * through the same code as the drain ({@link advanceSession}, {@link countStoredEvent}). It scans and
 * holds everything: never call it on a read path.
 * @module
 */
import {
  type Store,
  Metric,
  type RollupKey,
  readSketch,
  type DimUniquesKey,
  type UniquesKey,
  packedMismatches,
  type PackedKey,
} from '../store/index.js'
import { replayEvents } from './replay.js'

export interface RecountReport {
  events: number
  counters: number
  sketches: number
  /** Counters and sketches that differ from the recount, and packed breakdowns (src/store/packed.ts, `stored` and
   * `recounted` = their number of values) that differ from their rows. */
  mismatches: Array<{ key: RollupKey | UniquesKey | DimUniquesKey | PackedKey; stored: number; recounted: number }>
}

export function recount(store: Store): RecountReport {
  const { deltas: expected, uniques, events } = replayEvents(store)
  // Drops are not raw events: their counters are taken as stored.
  const mismatches: RecountReport['mismatches'] = []
  const seen = new Set<string>()
  for (const { key, n } of expected.entries()) {
    if (n === 0) continue
    seen.add(key.join(','))
    const stored = (store.rollups.get(key) as number | undefined) ?? 0
    if (stored !== n) mismatches.push({ key, stored, recounted: n })
  }
  let counters = 0
  for (const { key, value } of store.rollups.getRange({})) {
    counters++
    const k = key as RollupKey
    if (k[1] !== Metric.DROPPED && !seen.has(k.join(',')))
      mismatches.push({ key: k, stored: value as number, recounted: 0 })
  }
  let sketches = 0
  for (const { key, hll } of uniques.sketches(() => undefined)) {
    sketches++
    const blob = readSketch(store, key)
    const stored = blob ? Buffer.from(blob).equals(Buffer.from(hll.encode())) : false
    if (!stored) mismatches.push({ key, stored: blob ? -1 : 0, recounted: Math.round(hll.estimate()) })
  }
  mismatches.push(...packedMismatches(store))
  return { events, counters, sketches, mismatches }
}
