/**
 * What one stored event adds to the rollups. Shared by the drain (live) and the recount (replay), so
 * rollups and raw events can never be derived differently.
 * @module
 */
import { Metric, type RollupDeltas, type SiteBuckets, type StoredEvent, type UniqueDeltas } from '../store/index.js'
import type { SessionEffects, SessionState } from '../sessions/session.js'

/** The visit's attribution counters, in the order of the stored event's fields from {@link SESSION_DIM_FIELD}. */
const SESSION_DIMS = [
  Metric.BROWSERS, // e[10]
  Metric.OS,
  Metric.DEVICES,
  Metric.SCREENS,
  Metric.SOURCES,
  Metric.REFERRERS,
  Metric.UTM_SOURCE,
  Metric.UTM_MEDIUM,
  Metric.UTM_CAMPAIGN,
  Metric.UTM_TERM,
  Metric.UTM_CONTENT, // e[20]
] as const
const SESSION_DIM_FIELD = 10

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
  const [, kind, nameId, pathId] = e
  const visitor = e[8]
  u.add(site, ts, visitor)
  if (kind === 0) {
    d.count(site, Metric.PAGEVIEWS, ts, 0)
    d.count(site, Metric.PAGEVIEWS, ts, pathId)
    u.addDim(site, Metric.PAGEVIEWS, ts, pathId, visitor)
    if (e[9]) d.count(site, Metric.HOSTNAMES, ts, e[9])
  } else {
    d.count(site, Metric.EVENTS, ts, 0)
    d.count(site, Metric.EVENTS, ts, nameId)
    u.addDim(site, Metric.EVENTS, ts, nameId, visitor)
    const props = e[6]
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
    for (let i = 0; i < SESSION_DIMS.length; i++) {
      const dim = e[SESSION_DIM_FIELD + i] as number
      if (dim) d.count(site, SESSION_DIMS[i]!, start, dim)
    }
  }
  if (fx.bouncesDelta) d.count(site, Metric.BOUNCES, start, 0, fx.bouncesDelta)
  if (fx.durationDeltaMs) d.count(site, Metric.DURATION_MS, start, 0, fx.durationDeltaMs)
  if (fx.entryAdded) d.count(site, Metric.ENTRY_PAGES, start, fx.entryAdded)
  if (fx.exitRemoved) d.count(site, Metric.EXIT_PAGES, start, fx.exitRemoved, -1)
  if (fx.exitAdded) d.count(site, Metric.EXIT_PAGES, start, fx.exitAdded)
}
