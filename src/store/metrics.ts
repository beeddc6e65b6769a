/**
 * What rollup keys hold: the metric ids (stored in keys, never renumbered), the interned-string kind of
 * each metric's breakdown `dim`, which breakdowns are also kept per quarter-hour, and the key shapes.
 * Its own file so that the counters (./rollups.ts), their packed copies (./packed.ts) and the per-batch
 * staging (./stage.ts) share these without importing one another in a circle.
 * @module
 */
import { StringKind } from './strings.js'
import { namedNumbers, SESSION_FIELDS, type TableMetrics } from '../event/fields.js'

/**
 * Metric ids: stored in keys, never renumber. The visit attributes' come from the event's table
 * (src/event/fields.ts `metric`: SOURCES 8, REFERRERS 9, UTM_SOURCE 10 … UTM_CONTENT 14, BROWSERS 15,
 * OS 16, DEVICES 17, SCREENS 18, LANGUAGES 22); the others are here. A clash throws at load.
 */
export const Metric = withTableMetrics({
  PAGEVIEWS: 1, // dims: path
  EVENTS: 2, // custom events; dims: event name
  VISITS: 3,
  BOUNCES: 4,
  DURATION_MS: 5, // total visit duration
  ENTRY_PAGES: 6, // dims only: path
  EXIT_PAGES: 7, // dims only: path
  HOSTNAMES: 19, // pageviews by hostname
  DROPPED: 20, // events acknowledged but not stored, by reason
  PROPS: 21, // custom events by (event name, property key, value)
} as const)

function withTableMetrics<T extends Record<string, number>>(own: T): T & TableMetrics {
  const table = namedNumbers((f) => (f.session && f.metric ? [f.session, f.metric] : undefined))
  for (const [name, n] of Object.entries(own))
    if (name in table || Object.values(table).includes(n)) throw new Error(`Metric ${name} = ${n} clashes`)
  // In the order of their numbers, as when all were written here (src/store/packed.ts iterates them).
  return Object.fromEntries(Object.entries({ ...table, ...own }).sort((a, b) => a[1] - b[1])) as T & TableMetrics
}

/**
 * Metrics whose breakdowns are also kept per 15-minute bucket: what goal and event timeseries chart by
 * hour (completions of a page or an event name), in any time zone — and drops, which are not raw
 * events, so that a time-zone change can re-bucket them.
 */
const Q15_BREAKDOWNS = new Set<number>([Metric.PAGEVIEWS, Metric.EVENTS, Metric.DROPPED])

export function hasQ15Breakdown(metric: number): boolean {
  return Q15_BREAKDOWNS.has(metric)
}

/** The namespace of interned strings that a metric's `dim` ids belong to (a visit attribute's: its field's). */
export const DIM_KIND: Record<number, number> = {
  [Metric.PAGEVIEWS]: StringKind.PATH,
  [Metric.EVENTS]: StringKind.EVENT_NAME,
  [Metric.ENTRY_PAGES]: StringKind.PATH,
  [Metric.EXIT_PAGES]: StringKind.PATH,
  [Metric.HOSTNAMES]: StringKind.HOSTNAME,
  [Metric.DROPPED]: StringKind.DROP_REASON,
  [Metric.PROPS]: StringKind.PROP,
}
for (const f of SESSION_FIELDS) DIM_KIND[f.metric] = f.kind

export type RollupKey = [site: number, metric: number, granularity: number, bucket: number, dim: number]

export interface SiteBuckets {
  num: number
  timezone: string
}
