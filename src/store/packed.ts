/**
 * Packed breakdowns: every breakdown value of one metric in one CLOSED local day or month, in one LMDB
 * value, so a top list over a year is 12 reads of a packed array instead of a B-tree walk over every
 * (bucket, value) row — lmdb-js costs ~0.33 µs per row, and a year of 11 lists was ~18,500 rows
 * (6 ms) whatever the site's size (bench/README.md, "Stats reads").
 *
 * The rows (`rollups`, src/store/rollups.ts) stay the source of truth; a packed value is a copy of the
 * rows of its bucket, made once the bucket has ended ({@link packClosedBuckets}, run by the server in a
 * drain worker) and kept equal to them afterwards: a late write to a packed bucket (a back-filled
 * server event) patches it in the same transaction ({@link PackedPatches}). `hitring verify` checks
 * every packed value against its rows. Readers use the packed value when there is one and walk the rows
 * otherwise — both exact, so packing changes speed, never answers.
 *
 * Open buckets are never packed: rewriting a growing array on every batch would cost the drain
 * O(distinct values) per write.
 *
 * Key `[site, metric, granularity, bucket]`; value (little-endian, 8-byte aligned):
 *
 * ```
 * offset 0        4        8                 8 + 8n              8 + 12n
 *        ┌────────┬────────┬─────────────────┬───────────────────┐
 *        │ n  u32 │ 0  u32 │ counts  f64 × n │ dims  u32 × n     │
 *        └────────┴────────┴─────────────────┴───────────────────┘
 * ```
 * dims ascending (interned ids, never 0); counts never 0.
 *
 * Progress is a watermark per site and granularity in `meta` (`packed:<site>:<granularity>`): every
 * bucket up to it has been packed (or had no rows then).
 * @module
 */
import { DAY_MS, Granularity } from './buckets.js'
import type { Store } from './open.js'
import { Metric } from './metrics.js'

const HEADER = 8
const LOCAL = [Granularity.DAY, Granularity.MONTH] as const
/** Every metric id (rows of metrics without breakdowns are simply absent). */
const METRICS: readonly number[] = Object.values(Metric)
/**
 * How long after a bucket's UTC end it is packed: a local day ends at most 12 h after the UTC one (in
 * UTC−12:00), and events still in flight get 3 h more. Packing later is only slower reads meanwhile;
 * a late write to a packed bucket is patched anyway.
 */
const CLOSE_AFTER_MS = 15 * 3_600_000

export type PackedKey = [site: number, metric: number, granularity: number, bucket: number]

export interface Packed {
  dims: Uint32Array
  counts: Float64Array
}

export function encodePacked(dims: ArrayLike<number>, counts: ArrayLike<number>): Buffer {
  const n = dims.length
  const buf = Buffer.alloc(HEADER + 12 * n)
  const ab = buf.buffer
  new Uint32Array(ab, buf.byteOffset, 2)[0] = n
  new Float64Array(ab, buf.byteOffset + HEADER, n).set(counts)
  new Uint32Array(ab, buf.byteOffset + HEADER + 8 * n, n).set(dims)
  return buf
}

/** Views of a stored value (copied first when lmdb-js hands it out at an unaligned offset). */
export function decodePacked(blob: Uint8Array): Packed {
  let b = blob
  if ((b.byteOffset & 7) !== 0) b = new Uint8Array(b)
  const n = new Uint32Array(b.buffer, b.byteOffset, 1)[0]!
  if (b.length !== HEADER + 12 * n)
    throw new Error(`packed breakdown of ${b.length} bytes, expected ${HEADER + 12 * n}`)
  return {
    counts: new Float64Array(b.buffer, b.byteOffset + HEADER, n),
    dims: new Uint32Array(b.buffer, b.byteOffset + HEADER + 8 * n, n),
  }
}

/** Adds a packed value's counts into `into` (dim → count). */
export function addPacked(blob: Uint8Array, into: Map<number, number>): void {
  const { dims, counts } = decodePacked(blob)
  for (let i = 0; i < dims.length; i++) {
    const dim = dims[i]!
    const prev = into.get(dim)
    into.set(dim, prev === undefined ? counts[i]! : prev + counts[i]!)
  }
}

export function readPacked(store: Store, key: PackedKey): Uint8Array | undefined {
  return store.packed.get(key)
}

/** The rows of one bucket, as they should be packed. */
export function rowsOfBucket(
  store: Store,
  site: number,
  metric: number,
  gran: number,
  bucket: number,
): { dims: number[]; counts: number[] } {
  const dims: number[] = []
  const counts: number[] = []
  for (const { key, value } of store.rollups.getRange({
    start: [site, metric, gran, bucket, 1],
    end: [site, metric, gran, bucket + 1],
  })) {
    dims.push((key as number[])[4]!)
    counts.push(value as number)
  }
  return { dims, counts }
}

const markKey = (site: number, gran: number) => `packed:${site}:${gran}`

/** The last packed bucket of `site` at `gran` (−1 before any). */
export function packedThrough(store: Store, site: number, gran: number): number {
  return (store.meta.get(markKey(site, gran)) as number | undefined) ?? -1
}

/** The last local day or month that has certainly ended at `now`, in any time zone. */
export function lastClosedBucket(gran: number, now: number): number {
  const t = now - CLOSE_AFTER_MS
  const day = Math.floor(t / DAY_MS) - 1
  if (gran === Granularity.DAY) return day
  const d = new Date(t)
  return d.getUTCFullYear() * 12 + d.getUTCMonth() - 1
}

export interface PackProgress {
  /** Packed values written. */
  packed: number
  /** Rows read. */
  rows: number
  /** Whether closed buckets remain (the row budget ran out): call again, in a new transaction. */
  more: boolean
}

/**
 * Packs the closed, not yet packed buckets of every site, reading at most about `rowBudget` rows, so
 * one transaction holds the write lock briefly (a year of back-log takes several calls). Call inside a
 * write transaction.
 */
export function packClosedBuckets(store: Store, now: number, rowBudget = 200_000): PackProgress {
  const progress: PackProgress = { packed: 0, rows: 0, more: false }
  for (const num of store.siteNums.getKeys() as Iterable<number>) {
    for (const gran of LOCAL) {
      const last = lastClosedBucket(gran, now)
      let from = packedThrough(store, num, gran) + 1
      if (from === 0) from = firstBucket(store, num, gran, last)
      // One bucket at a time, so the watermark always ends on a whole bucket when the budget runs out.
      for (let b = from; b <= last; b++) {
        if (progress.rows >= rowBudget) {
          progress.more = true
          return progress
        }
        for (const metric of METRICS) {
          const { dims, counts } = rowsOfBucket(store, num, metric, gran, b)
          progress.rows += dims.length
          if (dims.length === 0) continue
          store.packed.put([num, metric, gran, b], encodePacked(dims, counts))
          progress.packed++
        }
        store.meta.put(markKey(num, gran), b)
      }
      if (from > last && last >= 0 && packedThrough(store, num, gran) < last) store.meta.put(markKey(num, gran), last)
    }
  }
  return progress
}

/** The first bucket of `site` at `gran` holding a breakdown row (or `last + 1` when there is none). */
function firstBucket(store: Store, site: number, gran: number, last: number): number {
  let first = last + 1
  for (const metric of METRICS) {
    // No limit: a bucket wrongly thought empty would read as empty once under the watermark. Metrics kept
    // as totals only (visits, bounces, duration) walk their rows once, the first time a site is packed.
    for (const key of store.rollups.getKeys({ start: [site, metric, gran, 0, 1], end: [site, metric, gran + 1] })) {
      const k = key as number[]
      if (k[4] !== 0) {
        first = Math.min(first, k[3]!)
        break
      }
    }
  }
  return first
}

/**
 * Breakdown deltas that fall on packed buckets, applied to the packed values after the rows: what keeps
 * a packed value equal to its rows when a late event lands in a closed bucket.
 */
export class PackedPatches {
  readonly #marks = new Map<number, number>()
  readonly #patches = new Map<string, { key: PackedKey; deltas: Map<number, number> }>()

  /** Notes a delta of row `[site, metric, gran, bucket, dim]` (ignored unless the bucket is packed). */
  note(store: Store, site: number, metric: number, gran: number, bucket: number, dim: number, n: number): void {
    if (dim === 0 || (gran !== Granularity.DAY && gran !== Granularity.MONTH)) return
    const mk = site * 4 + gran
    let mark = this.#marks.get(mk)
    if (mark === undefined) this.#marks.set(mk, (mark = packedThrough(store, site, gran)))
    if (bucket > mark) return
    const id = `${site},${metric},${gran},${bucket}`
    let p = this.#patches.get(id)
    if (!p) this.#patches.set(id, (p = { key: [site, metric, gran, bucket], deltas: new Map() }))
    p.deltas.set(dim, (p.deltas.get(dim) ?? 0) + n)
  }

  /** Rewrites each patched value from its rows' new state. Call inside the same write transaction. */
  apply(store: Store): void {
    for (const { key, deltas } of this.#patches.values()) {
      const blob = readPacked(store, key)
      const merged = new Map<number, number>()
      if (blob) addPacked(blob, merged)
      for (const [dim, n] of deltas) {
        const v = (merged.get(dim) ?? 0) + n
        if (v === 0) merged.delete(dim)
        else merged.set(dim, v)
      }
      const dims = [...merged.keys()].sort((a, b) => a - b)
      if (dims.length === 0) store.packed.remove(key)
      else
        store.packed.put(
          key,
          encodePacked(
            dims,
            dims.map((d) => merged.get(d)!),
          ),
        )
    }
  }
}

/** Forgets what was packed for `site` (its packed values and watermarks), e.g. before a rebuild. */
export function clearPacked(store: Store, site: number): void {
  for (const { key } of store.packed.getRange({ start: [site], end: [site + 1] })) store.packed.remove(key)
  for (const gran of LOCAL) store.meta.remove(markKey(site, gran))
}

/** Packed values that differ from their rows (for `hitring verify`), with their numbers of values. */
export function packedMismatches(store: Store): Array<{ key: PackedKey; stored: number; recounted: number }> {
  const bad: Array<{ key: PackedKey; stored: number; recounted: number }> = []
  for (const { key, value } of store.packed.getRange({})) {
    const [site, metric, gran, bucket] = key as PackedKey
    const rows = rowsOfBucket(store, site, metric, gran, bucket)
    const { dims, counts } = decodePacked(value as Uint8Array)
    const same =
      rows.dims.length === dims.length && rows.dims.every((d, i) => d === dims[i] && rows.counts[i] === counts[i])
    if (!same) bad.push({ key: [site, metric, gran, bucket], stored: dims.length, recounted: rows.dims.length })
  }
  return bad
}
