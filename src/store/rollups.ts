/**
 * Rollup counters: `[siteNum, metric, granularity, bucket, dim] → count` (ordered-binary array keys, so
 * a range of buckets is one B-tree walk).
 *
 * - Totals (`dim` 0) are kept at every granularity: 15-minute UTC buckets (hourly charts in any zone)
 *   and the site's local days and months (long ranges in few reads).
 * - Breakdowns (`dim` = an interned id: a path, an event name, a source, a browser…) are kept per local
 *   day and month — what top lists read — and, for pages and event names, per 15 minutes too (hourly
 *   goal and event charts).
 *
 * Event counters are attributed to the event's time; session counters (visits, bounces, duration,
 * entry/exit pages, attribution) to the session's start. {@link CounterSink} is shared by the drain and
 * the recount, so both derive the same keys.
 * @module
 */
import { Granularity, localBuckets, Q15_MS, q15Bucket } from './buckets.js'
import type { Store } from './open.js'
import { StringKind } from './strings.js'
import { DeltaMap } from './delta-map.js'
import { PackedPatches } from './packed.js'
import { QuarterStage } from './stage.js'

const zero = () => 0

/** Metric ids: stored in keys, never renumber. */
export const Metric = {
  PAGEVIEWS: 1, // dims: path
  EVENTS: 2, // custom events; dims: event name
  VISITS: 3,
  BOUNCES: 4,
  DURATION_MS: 5, // total visit duration
  ENTRY_PAGES: 6, // dims only: path
  EXIT_PAGES: 7, // dims only: path
  SOURCES: 8, // visits by source name
  REFERRERS: 9, // visits by referring host
  UTM_SOURCE: 10,
  UTM_MEDIUM: 11,
  UTM_CAMPAIGN: 12,
  UTM_TERM: 13,
  UTM_CONTENT: 14,
  BROWSERS: 15,
  OS: 16,
  DEVICES: 17,
  SCREENS: 18,
  HOSTNAMES: 19, // pageviews by hostname
  DROPPED: 20, // events acknowledged but not stored, by reason
  PROPS: 21, // custom events by (event name, property key, value)
  LANGUAGES: 22, // visits by language (primary subtag)
} as const

/**
 * Metrics whose breakdowns are also kept per 15-minute bucket: what goal and event timeseries chart by
 * hour (completions of a page or an event name), in any time zone — and drops, which are not raw
 * events, so that a time-zone change can re-bucket them.
 */
const Q15_BREAKDOWNS = new Set<number>([Metric.PAGEVIEWS, Metric.EVENTS, Metric.DROPPED])

export function hasQ15Breakdown(metric: number): boolean {
  return Q15_BREAKDOWNS.has(metric)
}

/** The namespace of interned strings that a metric's `dim` ids belong to. */
export const DIM_KIND: Record<number, number> = {
  [Metric.PAGEVIEWS]: StringKind.PATH,
  [Metric.EVENTS]: StringKind.EVENT_NAME,
  [Metric.ENTRY_PAGES]: StringKind.PATH,
  [Metric.EXIT_PAGES]: StringKind.PATH,
  [Metric.SOURCES]: StringKind.SOURCE,
  [Metric.REFERRERS]: StringKind.REFERRER_HOST,
  [Metric.UTM_SOURCE]: StringKind.UTM,
  [Metric.UTM_MEDIUM]: StringKind.UTM,
  [Metric.UTM_CAMPAIGN]: StringKind.UTM,
  [Metric.UTM_TERM]: StringKind.UTM,
  [Metric.UTM_CONTENT]: StringKind.UTM,
  [Metric.BROWSERS]: StringKind.BROWSER,
  [Metric.OS]: StringKind.OS,
  [Metric.DEVICES]: StringKind.DEVICE,
  [Metric.SCREENS]: StringKind.SCREEN,
  [Metric.HOSTNAMES]: StringKind.HOSTNAME,
  [Metric.DROPPED]: StringKind.DROP_REASON,
  [Metric.PROPS]: StringKind.PROP,
  [Metric.LANGUAGES]: StringKind.LANGUAGE,
}

export type RollupKey = [site: number, metric: number, granularity: number, bucket: number, dim: number]

export interface SiteBuckets {
  num: number
  timezone: string
}

/**
 * Accumulates counter deltas in memory for one batch (writes per batch = distinct keys, not events);
 * counts are staged per quarter-hour first (./stage.ts).
 */
export class RollupDeltas {
  readonly #deltas = new DeltaMap<RollupKey, number>()
  readonly #staged = new QuarterStage<{ n: number }>(() => ({ n: 0 }))

  add(key: RollupKey, n = 1): void {
    this.#add(key[0], key[1], key[2], key[3], key[4], n)
  }

  #add(site: number, metric: number, gran: number, bucket: number, dim: number, n: number): void {
    if (n === 0) return
    this.#deltas.entry(site, metric, gran, bucket, dim, () => [site, metric, gran, bucket, dim], zero).value += n
  }

  /**
   * Adds `n` to `metric` at time `ts`: the total (dim 0) at every granularity when `dim` is 0, the
   * breakdown per local day and month otherwise.
   */
  count(site: SiteBuckets, metric: number, ts: number, dim: number, n = 1): void {
    if (n === 0) return
    const q = q15Bucket(ts)
    const staged = this.#staged.slot(site, q, metric, dim)
    if (staged) staged.n += n
    else this.#spread(site, q, metric, dim, n)
  }

  #spread = (site: SiteBuckets, q: number, metric: number, dim: number, n: number): void => {
    const { day, month } = localBuckets(site.timezone, q * Q15_MS)
    if (dim === 0 || hasQ15Breakdown(metric)) this.#add(site.num, metric, Granularity.Q15, q, dim, n)
    this.#add(site.num, metric, Granularity.DAY, day, dim, n)
    this.#add(site.num, metric, Granularity.MONTH, month, dim, n)
  }

  /** Moves the staged counts to their keys. */
  #settle(): DeltaMap<RollupKey, number> {
    this.#staged.settle((site, q, metric, dim, v) => this.#spread(site, q, metric, dim, v.n))
    return this.#deltas
  }

  get size(): number {
    return this.#settle().size
  }

  /**
   * Read-add-write every counter (or those `keep` accepts), and the packed copies of closed buckets
   * they fall in (./packed.ts). Call inside a write transaction.
   */
  applyInTransaction(store: Store, keep?: (key: RollupKey) => boolean): void {
    const patches = new PackedPatches()
    for (const { key, value: n } of this.#settle().values()) {
      if (n === 0 || (keep && !keep(key))) continue
      const value = ((store.rollups.get(key) as number | undefined) ?? 0) + n
      if (value === 0) store.rollups.remove(key)
      else store.rollups.put(key, value)
      patches.note(store, key[0], key[1], key[2], key[3], key[4], n)
    }
    patches.apply(store)
  }

  *entries(): Generator<{ key: RollupKey; n: number }> {
    for (const { key, value } of this.#settle().values()) yield { key, n: value }
  }
}

/** Reads one counter (0 when absent). */
export function readCounter(store: Store, key: RollupKey): number {
  return (store.rollups.get(key) as number | undefined) ?? 0
}
