/**
 * A map keyed by a rollup or sketch key, without building a string per lookup: the drain touches ~25
 * counters and sketches per event, and string keys were its largest cost after GC (bench profile).
 *
 * Keys are packed into two exact numbers: `site · metric · granularity` (site < 2^40, metric < 256,
 * granularity < 4) and `bucket · 2^28 + dim` for buckets < 2^25 (15-minute buckets reach that in the
 * year 2927) and dims < 2^28 — both within the 2^53 of exact doubles. Anything larger falls back to a
 * string key, so correctness never depends on the packing.
 * @module
 */
const DIM_LIMIT = 2 ** 28
const BUCKET_LIMIT = 2 ** 25

export class DeltaMap<K extends number[], V> {
  readonly #outer = new Map<number, Map<number, { key: K; value: V }>>()
  readonly #wide = new Map<string, { key: K; value: V }>()
  #size = 0

  /** The entry of `key`, created with `init()` when missing. `metric` is 0 for site-level sketch keys. */
  entry(
    site: number,
    metric: number,
    gran: number,
    bucket: number,
    dim: number,
    key: () => K,
    init: () => V,
  ): { key: K; value: V } {
    let e: { key: K; value: V } | undefined
    if (dim < DIM_LIMIT && bucket < BUCKET_LIMIT && bucket >= 0) {
      const o = site * 1024 + metric * 4 + gran
      let inner = this.#outer.get(o)
      if (!inner) this.#outer.set(o, (inner = new Map()))
      const i = bucket * DIM_LIMIT + dim
      e = inner.get(i)
      if (!e) inner.set(i, (e = { key: key(), value: init() }))
      else return e
    } else {
      const w = `${site},${metric},${gran},${bucket},${dim}`
      e = this.#wide.get(w)
      if (!e) this.#wide.set(w, (e = { key: key(), value: init() }))
      else return e
    }
    this.#size++
    return e
  }

  get size(): number {
    return this.#size
  }

  *values(): Generator<{ key: K; value: V }> {
    for (const inner of this.#outer.values()) yield* inner.values()
    yield* this.#wide.values()
  }
}
