/**
 * Per-batch staging of counters and sketch additions by (site, quarter-hour). An event touches ~20
 * counters and ~5 sketches, each kept at up to three granularities (quarter-hour, local day, local
 * month): adding to all three keys at once cost six map operations per counter — the drain's largest
 * map cost in its profile. Staged, a counter costs one map operation per event, and its three keys are
 * derived once per distinct (quarter-hour, metric, dim) when the batch is applied.
 *
 * Keys stay exact doubles: group `site · 2^26 + q15`, item `metric · 2^28 + dim`. What does not fit
 * (or a site seen with two zones in one batch) is not staged: `slot` returns undefined and the caller
 * adds it directly — same result, slower path.
 * @module
 */
import type { SiteBuckets } from './metrics.js'

const SITE_LIMIT = 2 ** 26
const Q15_LIMIT = 2 ** 26
const DIM_LIMIT = 2 ** 28

interface Group<V> {
  site: SiteBuckets
  q: number
  items: Map<number, V>
}

export class QuarterStage<V> {
  readonly #groups = new Map<number, Group<V>>()

  constructor(private readonly init: () => V) {}

  /** The staged value of (`metric`, `dim`) in `site`'s quarter-hour `q` (created on first use). */
  slot(site: SiteBuckets, q: number, metric: number, dim: number): V | undefined {
    if (site.num >= SITE_LIMIT || q < 0 || q >= Q15_LIMIT || dim >= DIM_LIMIT) return undefined
    const g = site.num * Q15_LIMIT + q
    let group = this.#groups.get(g)
    if (!group) this.#groups.set(g, (group = { site, q, items: new Map() }))
    else if (group.site.timezone !== site.timezone) return undefined
    const k = metric * DIM_LIMIT + dim
    let v = group.items.get(k)
    if (v === undefined) group.items.set(k, (v = this.init()))
    return v
  }

  /** Hands every staged value to `spread`, then forgets them. */
  settle(spread: (site: SiteBuckets, q: number, metric: number, dim: number, value: V) => void): void {
    for (const { site, q, items } of this.#groups.values()) {
      for (const [k, v] of items) {
        const metric = Math.floor(k / DIM_LIMIT)
        spread(site, q, metric, k - metric * DIM_LIMIT, v)
      }
    }
    this.#groups.clear()
  }
}
