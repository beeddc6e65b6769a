/**
 * What rollup keys hold: the metric ids (stored in keys, never renumbered), the interned-string kind of
 * each metric's breakdown `dim`, which breakdowns are also kept per quarter-hour, and the key shapes.
 * Its own file so that the counters (./rollups.ts), their packed copies (./packed.ts) and the per-batch
 * staging (./stage.ts) share these without importing one another in a circle.
 * @module
 */
import { StringKind } from './strings.js'

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
