/**
 * Recounts every rollup and unique-visitor sketch from the raw events and compares them with what is
 * stored. Raw events, rollups and sketches are written in one transaction per batch, so this must always
 * come out equal — it is the check behind `hitring verify` and the store tests. It replays every session
 * through the same code as the drain ({@link advanceSession}, {@link countStoredEvent}). It scans and
 * holds everything: never call it on a read path.
 * @module
 */
import { allBlocks, type StoredEvent } from './events.js'
import type { Store } from './open.js'
import { Metric, RollupDeltas, type RollupKey } from './rollups.js'
import { readSketch, UniqueDeltas, type DimUniquesKey, type UniquesKey } from './uniques.js'
import { lookupStringId, propDimText, StringKind } from './strings.js'
import { getSiteByNum } from './sites.js'
import { advanceSession, type SessionState } from '../sessions/session.js'
import { countStoredEvent } from '../drain/count.js'

export interface RecountReport {
  events: number
  counters: number
  sketches: number
  mismatches: Array<{ key: RollupKey | UniquesKey | DimUniquesKey; stored: number; recounted: number }>
}

export function recount(store: Store): RecountReport {
  const expected = new RollupDeltas()
  const uniques = new UniqueDeltas()
  const zones = new Map<number, string>()
  const sessions = new Map<string, SessionState>()
  const propId = (nameId: number, key: string, value: string | number | boolean) => lookupStringId(store, StringKind.PROP, propDimText(nameId, key, value))
  let events = 0
  // Blocks in commit order (their sequence), events in their order: the order the drain saw them.
  const blocks = [...allBlocks(store)].sort((a, b) => a.seq - b.seq)
  for (const { siteNum, block } of blocks) {
    let timezone = zones.get(siteNum)
    if (timezone === undefined) zones.set(siteNum, (timezone = getSiteByNum(store, siteNum)?.timezone ?? 'UTC'))
    const site = { num: siteNum, timezone }
    for (const e of block.e) {
      events++
      const ts = block.t0 + e[0]
      const sessionId = `${siteNum}:${e[7]}`
      const { state, effects } = advanceSession(sessions.get(sessionId), { ts, kind: e[1], pathId: e[3] }, () => e[7])
      sessions.set(sessionId, state)
      countStoredEvent(expected, uniques, site, ts, e as StoredEvent, state, effects, propId)
    }
  }
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
    if (k[1] !== Metric.DROPPED && !seen.has(k.join(','))) mismatches.push({ key: k, stored: value as number, recounted: 0 })
  }
  let sketches = 0
  for (const { key, hll } of uniques.sketches(() => undefined)) {
    sketches++
    const blob = readSketch(store, key)
    const stored = blob ? Buffer.from(blob).equals(Buffer.from(hll.encode())) : false
    if (!stored) mismatches.push({ key, stored: blob ? -1 : 0, recounted: Math.round(hll.estimate()) })
  }
  return { events, counters, sketches, mismatches }
}
