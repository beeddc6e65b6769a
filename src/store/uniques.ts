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
import { addIntoDenseBlob, HyperLogLog } from '../hll/index.js'
import { Granularity, localBuckets, Q15_MS, q15Bucket } from './buckets.js'
import { QuarterStage } from './stage.js'
import type { Store } from './open.js'
import { hasQ15Breakdown, type SiteBuckets } from './metrics.js'
import { DeltaMap } from './delta-map.js'

const list = (): Uint8Array[] => []

export type UniquesKey = [site: number, granularity: number, bucket: number]
export type DimUniquesKey = [site: number, metric: number, granularity: number, bucket: number, dim: number]

type AnyKey = UniquesKey | DimUniquesKey

/**
 * The visitor ids a batch adds, by sketch; written with one read-merge-write per sketch. Additions are
 * staged per quarter-hour first (./stage.ts); metric 0 stands for the site's own sketch.
 */
export class UniqueDeltas {
  readonly #adds = new DeltaMap<AnyKey, Uint8Array[]>()
  readonly #staged = new QuarterStage<Uint8Array[]>(list)

  #entry(site: number, metric: number, gran: number, bucket: number, dim: number): Uint8Array[] {
    const key = (): AnyKey => (metric === 0 ? [site, gran, bucket] : [site, metric, gran, bucket, dim])
    return this.#adds.entry(site, metric, gran, bucket, dim, key, list).value
  }

  /** A visitor of the site at `ts`. */
  add(site: SiteBuckets, ts: number, visitor: Uint8Array): void {
    this.#stage(site, 0, ts, 0, visitor)
  }

  /** A visitor of one breakdown (`metric`, `dim`) at `ts`. */
  addDim(site: SiteBuckets, metric: number, ts: number, dim: number, visitor: Uint8Array): void {
    if (dim !== 0) this.#stage(site, metric, ts, dim, visitor)
  }

  #stage(site: SiteBuckets, metric: number, ts: number, dim: number, visitor: Uint8Array): void {
    const q = q15Bucket(ts)
    const staged = this.#staged.slot(site, q, metric, dim)
    if (staged) staged.push(visitor)
    else this.#spread(site, q, metric, dim, [visitor])
  }

  #spread = (site: SiteBuckets, q: number, metric: number, dim: number, ids: Uint8Array[]): void => {
    const { day, month } = localBuckets(site.timezone, q * Q15_MS)
    if (metric === 0 || hasQ15Breakdown(metric)) pushAll(this.#entry(site.num, metric, Granularity.Q15, q, dim), ids)
    pushAll(this.#entry(site.num, metric, Granularity.DAY, day, dim), ids)
    pushAll(this.#entry(site.num, metric, Granularity.MONTH, month, dim), ids)
  }

  #settled(): DeltaMap<AnyKey, Uint8Array[]> {
    this.#staged.settle(this.#spread)
    return this.#adds
  }

  get size(): number {
    return this.#settled().size
  }

  /** The sketches this batch would write, built on top of what is stored (for the recount too). */
  *sketches(
    read: (key: AnyKey) => Uint8Array | undefined,
  ): Generator<{ key: AnyKey; hll: HyperLogLog; changed: boolean }> {
    for (const { key, value: ids } of this.#settled().values()) yield { key, ...withIds(read(key), ids) }
  }

  /**
   * Writes every changed sketch (or those `keep` accepts). Call inside a write transaction. A stored
   * dense sketch is raised in place in the copy read (`addIntoDenseBlob`): no decode, no re-encode.
   */
  applyInTransaction(store: Store, keep?: (key: AnyKey) => boolean): void {
    for (const { key, value: ids } of this.#settled().values()) {
      if (keep && !keep(key)) continue
      const stored = readSketch(store, key) // a copy of its own (lmdb-js getBinary)
      let blob: Uint8Array | null = null
      const inPlace = stored === undefined ? null : addIntoDenseBlob(stored, ids)
      if (inPlace === null) {
        const { hll, changed } = withIds(stored, ids)
        if (changed) blob = hll.encode()
      } else if (inPlace) blob = stored!
      if (blob === null) continue
      const value = Buffer.from(blob.buffer, blob.byteOffset, blob.length)
      if (key.length === 3) store.uniques.put(key, value)
      else store.dimUniques.put(key, value)
    }
  }
}

/** The stored sketch (or an empty one) with `ids` added, and whether that is new or changed. */
function withIds(stored: Uint8Array | undefined, ids: Uint8Array[]): { hll: HyperLogLog; changed: boolean } {
  const hll = stored ? HyperLogLog.decode(stored) : HyperLogLog.empty()
  let changed = stored === undefined
  for (const id of ids) if (hll.add(id)) changed = true
  return { hll, changed }
}

function pushAll(into: Uint8Array[], ids: Uint8Array[]): void {
  for (const id of ids) into.push(id)
}

export function readSketch(store: Store, key: AnyKey): Uint8Array | undefined {
  return key.length === 3 ? store.uniques.get(key) : store.dimUniques.get(key)
}
