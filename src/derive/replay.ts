/**
 * Replays stored raw events through the same derivation as the drain — sessions via
 * {@link advanceSession}, counters and sketches via {@link countStoredEvent} — into fresh deltas. The
 * recount compares the result with what is stored; a rebuild (after a time-zone change) writes it.
 * It holds a site's events in memory: an operator's tool, never a read path.
 * @module
 */
import {
  allBlocks,
  type Store,
  RollupDeltas,
  UniqueDeltas,
  getSiteByNum,
  lookupStringId,
  propDimText,
  StringKind,
} from '../store/index.js'
import { advanceSession, type SessionState } from '../sessions/session.js'
import { countStoredEvent } from './count.js'

export interface Replay {
  deltas: RollupDeltas
  uniques: UniqueDeltas
  events: number
}

/** Replays every site's events, or only `siteNum`'s. */
export function replayEvents(store: Store, siteNum?: number): Replay {
  const deltas = new RollupDeltas()
  const uniques = new UniqueDeltas()
  const zones = new Map<number, string>()
  const sessions = new Map<string, SessionState>()
  const propId = (nameId: number, key: string, value: string | number | boolean) =>
    lookupStringId(store, StringKind.PROP, propDimText(nameId, key, value))
  let events = 0
  // Blocks in commit order (their sequence), events in their order: the order the drain saw them.
  const blocks = [...allBlocks(store, siteNum)].sort((a, b) => a.seq - b.seq)
  for (const { siteNum: num, block } of blocks) {
    let timezone = zones.get(num)
    if (timezone === undefined) zones.set(num, (timezone = getSiteByNum(store, num)?.timezone ?? 'UTC'))
    const site = { num, timezone }
    for (const e of block.e) {
      events++
      const ts = block.t0 + e.dt
      const sessionId = `${num}:${e.sessionNo}`
      const { state, effects } = advanceSession(
        sessions.get(sessionId),
        { ts, kind: e.kind, pathId: e.pathId },
        () => e.sessionNo,
      )
      sessions.set(sessionId, state)
      countStoredEvent(deltas, uniques, site, ts, e, state, effects, propId)
    }
  }
  return { deltas, uniques, events }
}
