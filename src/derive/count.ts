/**
 * What one stored event adds to the rollups. Shared by the drain (live) and the recount (replay), so
 * rollups and raw events can never be derived differently.
 * @module
 */
import { Metric, type RollupDeltas, type SiteBuckets, type UniqueDeltas } from '../store/index.js'
import { compileFieldCode, SESSION_FIELDS, type StoredEvent } from '../event/index.js'
import type { SessionEffects, SessionState } from '../sessions/session.js'

/** The interned id of an (event name, property key, value) breakdown. */
export type PropIdOf = (nameId: number, key: string, value: string | number | boolean) => number

/**
 * Event counters and visitor sketches (at the event's time) and session counters (at the session's
 * start) of one stored event.
 */
export function countStoredEvent(
  d: RollupDeltas,
  u: UniqueDeltas,
  site: SiteBuckets,
  ts: number,
  e: StoredEvent,
  session: SessionState,
  fx: SessionEffects,
  propId: PropIdOf,
): void {
  const { kind, nameId, pathId, visitor } = e
  u.add(site, ts, visitor)
  if (kind === 0) {
    d.count(site, Metric.PAGEVIEWS, ts, 0)
    d.count(site, Metric.PAGEVIEWS, ts, pathId)
    u.addDim(site, Metric.PAGEVIEWS, ts, pathId, visitor)
    if (e.hostId) d.count(site, Metric.HOSTNAMES, ts, e.hostId)
  } else {
    d.count(site, Metric.EVENTS, ts, 0)
    d.count(site, Metric.EVENTS, ts, nameId)
    u.addDim(site, Metric.EVENTS, ts, nameId, visitor)
    const props = e.props
    if (props) {
      for (const key in props) {
        const dim = propId(nameId, key, props[key]!)
        d.count(site, Metric.PROPS, ts, dim)
        u.addDim(site, Metric.PROPS, ts, dim, visitor)
      }
    }
  }

  const start = session.start
  if (fx.started) {
    d.count(site, Metric.VISITS, start, 0)
    countVisitAttributes(d, site, start, e)
  }
  if (fx.bouncesDelta) d.count(site, Metric.BOUNCES, start, 0, fx.bouncesDelta)
  if (fx.durationDeltaMs) d.count(site, Metric.DURATION_MS, start, 0, fx.durationDeltaMs)
  if (fx.entryAdded) d.count(site, Metric.ENTRY_PAGES, start, fx.entryAdded)
  if (fx.exitRemoved) d.count(site, Metric.EXIT_PAGES, start, fx.exitRemoved, -1)
  if (fx.exitAdded) d.count(site, Metric.EXIT_PAGES, start, fx.exitAdded)
}

/**
 * The visit's attribution counters: one per stored field marked `session` in src/event/fields.ts, with
 * its metric. Generated from the table once (src/event/compile.ts): the code is the written-out
 * `if (e.browserId) d.count(site, 15, start, e.browserId)` line per field, so a new visit attribute needs
 * no edit here and costs what a hand-written line would (~20 ns per visit start for the 12 fields in
 * bench/visit-fields.bench.ts, as written out; a loop over the table reading `e[key]` was ~110).
 */
const countVisitAttributes = compileFieldCode<
  (d: RollupDeltas, site: SiteBuckets, start: number, e: StoredEvent) => void
>(
  ['d', 'site', 'start', 'e'],
  SESSION_FIELDS.map((f) => `if (e.${f.key}) d.count(site, ${f.metric}, start, e.${f.key})`).join('\n'),
)
