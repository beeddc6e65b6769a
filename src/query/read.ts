/**
 * Reads of counters and sketches over a {@link Cover}: one get per bucket for totals, one B-tree walk
 * per bucket for breakdowns, one union of sketches for unique visitors. Nothing here scans raw events,
 * so every cost is O(buckets × dimensions), whatever the number of events stored.
 * @module
 */
import {
  type Store,
  Granularity,
  hasQ15Breakdown,
  stringOf,
  addPacked,
  packedThrough,
  readPacked,
} from '../store/index.js'
import { unionOf } from '../hll/index.js'
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

/**
 * Every breakdown value of `metric` over the cover: dim id → count (call {@link canBreakDown} first).
 * Closed days and months are read from their packed copies (src/store/packed.ts: one value each, absent
 * when the bucket had no values); open ones by walking their rows.
 */
export function breakdown(store: Store, site: number, metric: number, cover: Cover): Map<number, number> {
  if (!canBreakDown(metric, cover)) throw new Error(`metric ${metric} has no quarter-hour breakdowns`)
  const out = new Map<number, number>()
  const walk = (g: number, from: number, to: number) => {
    // One walk over consecutive buckets; their totals (dim 0) sit between the values and are skipped.
    for (const { key, value } of store.rollups.getRange({
      start: [site, metric, g, from, 1],
      end: [site, metric, g, to],
    })) {
      const dim = (key as number[])[4]!
      if (dim !== 0) out.set(dim, (out.get(dim) ?? 0) + (value as number))
    }
  }
  const local = (g: number, buckets: number[]) => {
    const packedTo = packedThrough(store, site, g)
    const open: number[] = []
    for (const b of buckets) {
      if (b > packedTo) open.push(b)
      else {
        const blob = readPacked(store, [site, metric, g, b])
        if (blob) addPacked(blob, out)
      }
    }
    // Consecutive open buckets in one walk each: a year of months is one cursor, not twelve.
    for (const [from, to] of runs(open)) walk(g, from, to)
  }
  local(Granularity.MONTH, cover.months)
  local(Granularity.DAY, cover.days)
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

/** Takes one stored sketch into a union (`unionOf`); the blob may be a transient buffer. */
export type AddSketch = (blob: Uint8Array) => void

// Sketches are read with `getBinaryFast` (lmdb-js's shared buffer, valid until the next read: no 16 KiB
// copy per dense sketch) and handed to the union at once, which reads them and keeps nothing.
const addIf = (add: AddSketch, blob: Uint8Array | undefined) => {
  if (blob !== undefined) add(blob)
}

/** Adds the site's visitor sketches of the cover to a union. */
export function addVisitorSketches(store: Store, site: number, cover: Cover, add: AddSketch): void {
  for (const m of cover.months) addIf(add, store.uniques.getBinaryFast([site, Granularity.MONTH, m]))
  for (const d of cover.days) addIf(add, store.uniques.getBinaryFast([site, Granularity.DAY, d]))
  for (const [q0, q1] of cover.q15) {
    for (const { value } of store.uniques.getRange({
      start: [site, Granularity.Q15, q0],
      end: [site, Granularity.Q15, q1],
    }))
      add(value as Uint8Array)
  }
}

/** Unique visitors of the site over the cover (merging month, day and quarter-hour sketches is exact:
 * a visitor hashes to the same register in each). */
export function visitors(store: Store, site: number, cover: Cover): number {
  return unionOf((add) => addVisitorSketches(store, site, cover, add))
}

/** Adds the visitor sketches of some breakdown values (`dims`) of `metric` over the cover to a union. */
export function addDimSketches(
  store: Store,
  site: number,
  metric: number,
  dims: Iterable<number>,
  cover: Cover,
  add: AddSketch,
): void {
  const list = [...dims].filter((d) => d !== 0)
  if (list.length === 0) return
  for (const [g, b] of bucketsOf(cover))
    for (const dim of list) addIf(add, store.dimUniques.getBinaryFast([site, metric, g, b, dim]))
}

/** Unique visitors of the union of some breakdown values of `metric` (a page, the pages of a goal…). */
export function dimVisitors(store: Store, site: number, metric: number, dims: Iterable<number>, cover: Cover): number {
  return unionOf((add) => addDimSketches(store, site, metric, dims, cover, add))
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
