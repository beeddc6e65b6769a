/**
 * Reads of counters and sketches over a {@link Cover}: one get per bucket for totals, one B-tree walk
 * per bucket for breakdowns, one union of sketches for unique visitors. Nothing here scans raw events,
 * so every cost is O(buckets × dimensions), whatever the number of events stored.
 * @module
 */
import type { Store } from '../store/open.js'
import { Granularity } from '../store/buckets.js'
import { hasQ15Breakdown } from '../store/rollups.js'
import { stringOf } from '../store/strings.js'
import { estimateUnion, HyperLogLog } from '../hll/index.js'
import { FORM_DENSE } from '../hll/codec.js'
import type { Cover } from './cover.js'

type Bucket = [granularity: number, bucket: number]

function* bucketsOf(cover: Cover): Generator<Bucket> {
  for (const m of cover.months) yield [Granularity.MONTH, m]
  for (const d of cover.days) yield [Granularity.DAY, d]
  for (const [q0, q1] of cover.q15) for (let q = q0; q < q1; q++) yield [Granularity.Q15, q]
}

const get = (store: Store, key: number[]) => (store.rollups.get(key) as number | undefined) ?? 0

/** The total (dim 0) of `metric` over the cover. */
export function sumTotal(store: Store, site: number, metric: number, cover: Cover): number {
  let sum = 0
  for (const [g, b] of bucketsOf(cover)) sum += get(store, [site, metric, g, b, 0])
  return sum
}

/** The count of one breakdown value of `metric` (a path, an event name…) over the cover. */
export function sumDim(store: Store, site: number, metric: number, dim: number, cover: Cover): number {
  if (dim === 0) return 0 // 0 is the total, never a value
  let sum = 0
  for (const [g, b] of bucketsOf(cover)) sum += get(store, [site, metric, g, b, dim])
  return sum
}

/**
 * Whether the rollups can break `metric` down over this cover exactly: breakdowns are kept per day and
 * month for every metric, per quarter-hour only for some (src/store/rollups.ts `hasQ15Breakdown`).
 */
export function canBreakDown(metric: number, cover: Cover): boolean {
  return cover.q15.length === 0 || hasQ15Breakdown(metric)
}

/** Every breakdown value of `metric` over the cover: dim id → count (call {@link canBreakDown} first). */
export function breakdown(store: Store, site: number, metric: number, cover: Cover): Map<number, number> {
  if (!canBreakDown(metric, cover)) throw new Error(`metric ${metric} has no quarter-hour breakdowns`)
  const out = new Map<number, number>()
  const walk = (g: number, from: number, to: number) => {
    // One walk over consecutive buckets; their totals (dim 0) sit between the values and are skipped.
    for (const { key, value } of store.rollups.getRange({ start: [site, metric, g, from, 1], end: [site, metric, g, to] })) {
      const dim = (key as number[])[4]!
      if (dim !== 0) out.set(dim, (out.get(dim) ?? 0) + (value as number))
    }
  }
  // Consecutive buckets in one walk each: a year of months is one cursor, not twelve.
  for (const [from, to] of runs(cover.months)) walk(Granularity.MONTH, from, to)
  for (const [from, to] of runs(cover.days)) walk(Granularity.DAY, from, to)
  for (const [q0, q1] of cover.q15) walk(Granularity.Q15, q0, q1)
  return out
}

/** Consecutive numbers as half-open runs: [3,4,5,9] → [[3,6],[9,10]]. */
function runs(sorted: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (const n of sorted) {
    const last = out[out.length - 1]
    if (last && last[1] === n) last[1] = n + 1
    else out.push([n, n + 1])
  }
  return out
}

/** Sparse bytes from which merging beats pooling (≈ 2 × SPARSE_MAX entries: the union will be dense). */
const MERGE_FROM_BYTES = 32_000

/**
 * Unique count of a union of sketches. With any dense sketch among them `estimateUnion` is linear
 * (SIMD max of the dense registers, then every sparse entry into them). With sparse sketches only, it
 * pools their entries and sorts them (n log n) to see whether the union stays sparse: right for a few
 * small sketches, slow for hundreds (a wildcard goal's 1,332 month sketches: 7 ms). Stored sparse lists
 * are already sorted, so when the union is bound to be large, merging them one by one, largest first,
 * is linear once it spills to registers (2.5 ms). Both end in the same list or registers: same estimate.
 */
function union(blobs: Uint8Array[]): number {
  if (blobs.length === 0) return 0
  let sparseBytes = 0
  for (const b of blobs) {
    if (b[1] === FORM_DENSE) return Math.round(estimateUnion(blobs))
    sparseBytes += b.length
  }
  if (blobs.length < 2 || sparseBytes < MERGE_FROM_BYTES) return Math.round(estimateUnion(blobs))
  const sparse = [...blobs].sort((x, y) => y.length - x.length)
  const acc = HyperLogLog.decode(sparse[0]!)
  for (let i = 1; i < sparse.length; i++) acc.merge(HyperLogLog.decode(sparse[i]!))
  return Math.round(acc.estimate())
}

/** The site's visitor sketches of the cover. */
export function visitorSketches(store: Store, site: number, cover: Cover, into: Uint8Array[] = []): Uint8Array[] {
  for (const m of cover.months) pushIf(into, store.uniques.get([site, Granularity.MONTH, m]))
  for (const d of cover.days) pushIf(into, store.uniques.get([site, Granularity.DAY, d]))
  for (const [q0, q1] of cover.q15) {
    for (const { value } of store.uniques.getRange({ start: [site, Granularity.Q15, q0], end: [site, Granularity.Q15, q1] })) {
      into.push(value as Uint8Array)
    }
  }
  return into
}

/** Unique visitors of the site over the cover (merging month, day and quarter-hour sketches is exact:
 * a visitor hashes to the same register in each). */
export function visitors(store: Store, site: number, cover: Cover): number {
  return union(visitorSketches(store, site, cover))
}

/** The visitor sketches of some breakdown values (`dims`) of `metric` over the cover. */
export function dimSketches(store: Store, site: number, metric: number, dims: Iterable<number>, cover: Cover, into: Uint8Array[] = []): Uint8Array[] {
  const list = [...dims].filter((d) => d !== 0)
  if (list.length === 0) return into
  for (const [g, b] of bucketsOf(cover)) for (const dim of list) pushIf(into, store.dimUniques.get([site, metric, g, b, dim]))
  return into
}

/** Unique visitors of the union of some breakdown values of `metric` (a page, the pages of a goal…). */
export function dimVisitors(store: Store, site: number, metric: number, dims: Iterable<number>, cover: Cover): number {
  return union(dimSketches(store, site, metric, dims, cover))
}

export function unionCount(blobs: Uint8Array[]): number {
  return union(blobs)
}

function pushIf(into: Uint8Array[], blob: Uint8Array | undefined): void {
  if (blob) into.push(blob)
}

// Interned texts never change once written, so id → text can be cached for as long as the store is open.
const namesByStore = new WeakMap<Store, Map<string, string>>()

/** The text of an interned dim id (`(unknown)` if the id has no text, which a consistent store never has). */
export function nameOf(store: Store, kind: number, id: number): string {
  let names = namesByStore.get(store)
  if (!names) namesByStore.set(store, (names = new Map()))
  const k = `${kind}:${id}`
  let text = names.get(k)
  if (text === undefined) {
    text = stringOf(store, kind, id)
    if (text === undefined) return '(unknown)'
    if (names.size > 200_000) names.clear()
    names.set(k, text)
  }
  return text
}

export interface Ranked {
  dim: number
  name: string
  value: number
}

/**
 * The `limit` largest of `counts`, by value descending then name ascending. Only the values that can
 * make the cut (ties at the limit included) are looked up by name, not every dim scanned.
 */
export function topOf(store: Store, kind: number, counts: Map<number, number>, limit: number): Ranked[] {
  let entries = [...counts].filter(([, v]) => v > 0)
  if (entries.length > limit) {
    entries.sort((x, y) => y[1] - x[1])
    const cut = entries[limit - 1]![1]
    entries = entries.filter(([, v]) => v >= cut)
  }
  return entries
    .map(([dim, value]) => ({ dim, name: nameOf(store, kind, dim), value }))
    .sort((x, y) => y.value - x.value || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
    .slice(0, limit)
}
