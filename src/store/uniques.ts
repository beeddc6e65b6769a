/**
 * Unique visitors: one HyperLogLog sketch per site and bucket (15-minute UTC buckets, local days, local
 * months), fed with the visitor id itself — already a salted SHA-256, so no second hash. Any range's
 * unique visitors is the merge of its buckets' sketches.
 * @module
 */
import { HyperLogLog } from '../hll/index.js'
import { Granularity, localBuckets, q15Bucket } from './buckets.js'
import type { Store } from './open.js'
import type { SiteBuckets } from './rollups.js'

export type UniquesKey = [site: number, granularity: number, bucket: number]

/** The visitor ids a batch adds, by sketch; written with one read-merge-write per sketch. */
export class UniqueDeltas {
  readonly #adds = new Map<string, { key: UniquesKey; ids: Uint8Array[] }>()

  #push(key: UniquesKey, id: Uint8Array): void {
    const k = `${key[0]},${key[1]},${key[2]}`
    const entry = this.#adds.get(k)
    if (entry) entry.ids.push(id)
    else this.#adds.set(k, { key, ids: [id] })
  }

  add(site: SiteBuckets, ts: number, visitor: Uint8Array): void {
    const { day, month } = localBuckets(site.timezone, ts)
    this.#push([site.num, Granularity.Q15, q15Bucket(ts)], visitor)
    this.#push([site.num, Granularity.DAY, day], visitor)
    this.#push([site.num, Granularity.MONTH, month], visitor)
  }

  get size(): number {
    return this.#adds.size
  }

  /** The sketches this batch would write, built on top of what is stored (for the recount too). */
  *sketches(read: (key: UniquesKey) => Uint8Array | undefined): Generator<{ key: UniquesKey; hll: HyperLogLog; changed: boolean }> {
    for (const { key, ids } of this.#adds.values()) {
      const stored = read(key)
      const hll = stored ? HyperLogLog.decode(stored) : HyperLogLog.empty()
      let changed = stored === undefined
      for (const id of ids) if (hll.add(id)) changed = true
      yield { key, hll, changed }
    }
  }

  applyInTransaction(store: Store): void {
    for (const { key, hll, changed } of this.sketches((k) => store.uniques.get(k))) {
      if (changed) store.uniques.put(key, Buffer.from(hll.encode()))
    }
  }
}
