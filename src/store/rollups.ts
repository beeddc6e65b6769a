/**
 * Rollup counters: `[siteNum, metric, granularity, bucket, dim] → count` (ordered-binary array keys, so
 * a range of buckets is one B-tree walk). `dim` 0 is the total of a metric; other dims are interned ids
 * (the page path for pageviews, the event name for custom events).
 *
 * The same derivation ({@link rollupKeysOf}) serves the drain workers (adding deltas) and the recount
 * (checking that rollups equal the raw events), so the two can never disagree on what an event counts.
 * @module
 */
import { Granularity, localBuckets, q15Bucket } from './buckets.js'
import type { Store } from './open.js'

export const Metric = {
  PAGEVIEWS: 1,
  EVENTS: 2,
} as const

export type RollupKey = [site: number, metric: number, granularity: number, bucket: number, dim: number]

/** The facts of one stored event that rollups are derived from. */
export interface RollupFacts {
  siteNum: number
  timezone: string
  ts: number
  kind: 0 | 1
  nameId: number
  pathId: number
}

/** Calls `add(key)` once for every rollup counter one event increments. */
export function rollupKeysOf(e: RollupFacts, add: (key: RollupKey) => void): void {
  const q = q15Bucket(e.ts)
  const { day, month } = localBuckets(e.timezone, e.ts)
  const metric = e.kind === 0 ? Metric.PAGEVIEWS : Metric.EVENTS
  const dim = e.kind === 0 ? e.pathId : e.nameId
  for (const d of [0, dim]) {
    add([e.siteNum, metric, Granularity.Q15, q, d])
    add([e.siteNum, metric, Granularity.DAY, day, d])
    add([e.siteNum, metric, Granularity.MONTH, month, d])
  }
}

/** Accumulates counter deltas in memory for one batch (writes per batch = distinct keys, not events). */
export class RollupDeltas {
  readonly #deltas = new Map<string, { key: RollupKey; n: number }>()

  add = (key: RollupKey): void => {
    const id = key.join(',')
    const entry = this.#deltas.get(id)
    if (entry) entry.n++
    else this.#deltas.set(id, { key, n: 1 })
  }

  get size(): number {
    return this.#deltas.size
  }

  /** Read-add-write every counter. Call inside the batch's write transaction. */
  applyInTransaction(store: Store): void {
    for (const { key, n } of this.#deltas.values()) {
      store.rollups.put(key, ((store.rollups.get(key) as number | undefined) ?? 0) + n)
    }
  }

  entries(): IterableIterator<{ key: RollupKey; n: number }> {
    return this.#deltas.values()
  }
}

/** Reads one counter (0 when absent). */
export function readCounter(store: Store, key: RollupKey): number {
  return (store.rollups.get(key) as number | undefined) ?? 0
}
