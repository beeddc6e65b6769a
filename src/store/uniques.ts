/**
 * Unique visitors: HyperLogLog sketches fed with the visitor id itself — already a salted SHA-256, so no
 * second hash. Any range's unique visitors is the merge of its buckets' sketches.
 *
 * - `uniques` `[site, granularity, bucket]`: all visitors of a site (15-minute UTC buckets, local days
 *   and months).
 * - `dim_uniques` `[site, metric, granularity, bucket, dim]`: visitors who viewed a page, sent an event
 *   name, or an event with a given property value (per local day and month; pages and event names per
 *   15 minutes too) — goal conversions and event breakdowns.
 * @module
 */
import { HyperLogLog } from '../hll/index.js'
import { Granularity, localBuckets, q15Bucket } from './buckets.js'
import type { Store } from './open.js'
import { hasQ15Breakdown, type SiteBuckets } from './rollups.js'
import { DeltaMap } from './delta-map.js'

const list = (): Uint8Array[] => []

export type UniquesKey = [site: number, granularity: number, bucket: number]
export type DimUniquesKey = [site: number, metric: number, granularity: number, bucket: number, dim: number]

type AnyKey = UniquesKey | DimUniquesKey

/** The visitor ids a batch adds, by sketch; written with one read-merge-write per sketch. */
export class UniqueDeltas {
  readonly #adds = new DeltaMap<AnyKey, Uint8Array[]>()

  #site(site: number, gran: number, bucket: number, id: Uint8Array): void {
    this.#adds.entry(site, 0, gran, bucket, 0, () => [site, gran, bucket], list).value.push(id)
  }

  #dim(site: number, metric: number, gran: number, bucket: number, dim: number, id: Uint8Array): void {
    this.#adds.entry(site, metric, gran, bucket, dim, () => [site, metric, gran, bucket, dim], list).value.push(id)
  }

  /** A visitor of the site at `ts`. */
  add(site: SiteBuckets, ts: number, visitor: Uint8Array): void {
    const { day, month } = localBuckets(site.timezone, ts)
    this.#site(site.num, Granularity.Q15, q15Bucket(ts), visitor)
    this.#site(site.num, Granularity.DAY, day, visitor)
    this.#site(site.num, Granularity.MONTH, month, visitor)
  }

  /** A visitor of one breakdown (`metric`, `dim`) at `ts`. */
  addDim(site: SiteBuckets, metric: number, ts: number, dim: number, visitor: Uint8Array): void {
    if (dim === 0) return
    const { day, month } = localBuckets(site.timezone, ts)
    if (hasQ15Breakdown(metric)) this.#dim(site.num, metric, Granularity.Q15, q15Bucket(ts), dim, visitor)
    this.#dim(site.num, metric, Granularity.DAY, day, dim, visitor)
    this.#dim(site.num, metric, Granularity.MONTH, month, dim, visitor)
  }

  get size(): number {
    return this.#adds.size
  }

  /** The sketches this batch would write, built on top of what is stored (for the recount too). */
  *sketches(read: (key: AnyKey) => Uint8Array | undefined): Generator<{ key: AnyKey; hll: HyperLogLog; changed: boolean }> {
    for (const { key, value: ids } of this.#adds.values()) {
      const stored = read(key)
      const hll = stored ? HyperLogLog.decode(stored) : HyperLogLog.empty()
      let changed = stored === undefined
      for (const id of ids) if (hll.add(id)) changed = true
      yield { key, hll, changed }
    }
  }

  /** Writes every changed sketch (or those `keep` accepts). Call inside a write transaction. */
  applyInTransaction(store: Store, keep?: (key: AnyKey) => boolean): void {
    for (const { key, hll, changed } of this.sketches((k) => readSketch(store, k))) {
      if (!changed || (keep && !keep(key))) continue
      const blob = Buffer.from(hll.encode())
      if (key.length === 3) store.uniques.put(key, blob)
      else store.dimUniques.put(key, blob)
    }
  }
}

export function readSketch(store: Store, key: AnyKey): Uint8Array | undefined {
  return key.length === 3 ? store.uniques.get(key) : store.dimUniques.get(key)
}
