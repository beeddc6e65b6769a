/**
 * What one stored event adds to the rollups. Shared by the drain (live) and the recount (replay), so
 * rollups and raw events can never be derived differently.
 * @module
 */
import { Metric, type RollupDeltas, type SiteBuckets } from '../store/rollups.js'
import { SESSION_FIELDS, type StoredEvent } from '../event/index.js'
import type { UniqueDeltas } from '../store/uniques.js'
import type { SessionEffects, SessionState } from '../sessions/session.js'

/** The visit's attribution counters: the stored fields marked `session` in the event table, with their metric. */
const SESSION_DIMS = SESSION_FIELDS.map((f) => {
  const metric = Metric[f.session]
  if (metric === undefined) throw new Error(`src/event/fields.ts: ${f.key} is counted in ${f.session}, not a Metric`)
  return [f.key, metric] as const
})

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
    // Once per visit: a keyed read per attribution field, not per event.
    for (let i = 0; i < SESSION_DIMS.length; i++) {
      const [field, metric] = SESSION_DIMS[i]!
      const dim = e[field]
      if (dim) d.count(site, metric, start, dim)
    }
  }
  if (fx.bouncesDelta) d.count(site, Metric.BOUNCES, start, 0, fx.bouncesDelta)
  if (fx.durationDeltaMs) d.count(site, Metric.DURATION_MS, start, 0, fx.durationDeltaMs)
  if (fx.entryAdded) d.count(site, Metric.ENTRY_PAGES, start, fx.entryAdded)
  if (fx.exitRemoved) d.count(site, Metric.EXIT_PAGES, start, fx.exitRemoved, -1)
  if (fx.exitAdded) d.count(site, Metric.EXIT_PAGES, start, fx.exitAdded)
}
