/**
 * What one stored event adds to the rollups. Shared by the drain (live) and the recount (replay), so
 * rollups and raw events can never be derived differently.
 * @module
 */
import { Metric, type RollupDeltas, type SiteBuckets, type UniqueDeltas } from '../store/index.js'
import type { StoredEvent } from '../event/index.js'
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
 * its metric (test/event-schema.test.ts checks this list against the table). Written out: reading the
 * fields by the table's names is a megamorphic keyed load each, ~1 µs per visit in all against ~0.05.
 */
function countVisitAttributes(d: RollupDeltas, site: SiteBuckets, start: number, e: StoredEvent): void {
  if (e.browserId) d.count(site, Metric.BROWSERS, start, e.browserId)
  if (e.osId) d.count(site, Metric.OS, start, e.osId)
  if (e.deviceId) d.count(site, Metric.DEVICES, start, e.deviceId)
  if (e.screenId) d.count(site, Metric.SCREENS, start, e.screenId)
  if (e.sourceId) d.count(site, Metric.SOURCES, start, e.sourceId)
  if (e.referrerHostId) d.count(site, Metric.REFERRERS, start, e.referrerHostId)
  if (e.utmSourceId) d.count(site, Metric.UTM_SOURCE, start, e.utmSourceId)
  if (e.utmMediumId) d.count(site, Metric.UTM_MEDIUM, start, e.utmMediumId)
  if (e.utmCampaignId) d.count(site, Metric.UTM_CAMPAIGN, start, e.utmCampaignId)
  if (e.utmTermId) d.count(site, Metric.UTM_TERM, start, e.utmTermId)
  if (e.utmContentId) d.count(site, Metric.UTM_CONTENT, start, e.utmContentId)
  if (e.languageId) d.count(site, Metric.LANGUAGES, start, e.languageId)
}
