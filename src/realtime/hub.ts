/**
 * Realtime, from memory: who was active in the last few minutes (fed by the drain results — salted
 * visitor fingerprints, never stored) and who wants to hear that a site's figures changed (the SSE
 * stream). Lives on the main thread.
 * @module
 */
import type { DrainResult } from '../drain/index.js'

/** "Visitors now" = distinct visitors with an event in the last 5 minutes. */
export const REALTIME_WINDOW_MS = 5 * 60 * 1000
/** Bound on remembered (site, visitor) pairs, so a flood cannot grow memory without limit. */
const MAX_ACTIVE = 1_000_000

export type ChangeListener = (siteNum: number) => void

/**
 * Times are kept as ms after a base, within ±2^30 (±12 days): small integers, which a Map stores in
 * place, where an epoch-ms double is a heap number allocated on every update (~0.4 µs per event on the
 * HTTP thread in the e2e bench, measured by turning the hub off). The base moves when a time would leave
 * that range.
 */
const REL_LIMIT = 2 ** 30

export class RealtimeHub {
  /** site → visitor fingerprint (int32) → last seen, ms after #base. */
  readonly #active = new Map<number, Map<number, number>>()
  readonly #listeners = new Map<number, Set<ChangeListener>>()
  #size = 0
  #base: number

  constructor(private readonly now: () => number = Date.now) {
    this.#base = Math.floor(now())
  }

  /** `ts` as ms after the base (a small integer), moving the base first if needed. */
  #rel(ts: number): number {
    let r = Math.floor(ts - this.#base)
    if (r >= REL_LIMIT || r < -REL_LIMIT) {
      this.#rebase(Math.floor(ts) - REL_LIMIT / 2)
      r = Math.floor(ts - this.#base)
    }
    return r | 0
  }

  /**
   * Moves the base to `base`: stored times shift with it; those it would push out of range are forgotten.
   * Emptied site maps stay (a caller may be holding one; the next prune drops them).
   */
  #rebase(base: number): void {
    const shift = this.#base - base
    this.#base = base
    for (const visitors of this.#active.values()) {
      for (const [fp, t] of visitors) {
        const r = t + shift
        if (r < -REL_LIMIT || r >= REL_LIMIT) {
          visitors.delete(fp)
          this.#size--
        } else visitors.set(fp, r)
      }
    }
  }

  /** Call with every committed drain result. */
  onDrained(result: DrainResult): void {
    const active = result.active
    // Nearly every result is of one site: its visitors' map is looked up once per run of its triples,
    // and a Set of the other changed sites is made only when there are some.
    let site = -1 // the site of `visitors`
    let visitors!: Map<number, number>
    let first = -1
    let others: Set<number> | null = null
    for (let i = 0; i + 2 < active.length; i += 3) {
      if (active[i] !== site) {
        site = active[i]!
        visitors = this.#visitorsOf(site)
        if (first < 0) first = site
        else if (site !== first) (others ??= new Set()).add(site)
      }
      // The u32 fingerprint as an int32: the same visitors (one to one), but a small-integer key, where
      // one above 2^31 is a heap number that the Map allocates, hashes and compares more slowly.
      const fingerprint = active[i + 1]! | 0
      const ts = this.#rel(active[i + 2]!)
      const before = visitors.get(fingerprint)
      if (before === undefined) {
        if (this.#size >= MAX_ACTIVE) {
          this.#prune()
          visitors = this.#visitorsOf(site) // the prune drops maps it empties
        }
        this.#size++
      }
      if (before === undefined || ts > before) visitors.set(fingerprint, ts)
    }
    if (first >= 0) this.#changed(first)
    if (others !== null) for (const other of others) this.#changed(other)
  }

  /** Distinct visitors of `siteNum` active in the last {@link REALTIME_WINDOW_MS}. */
  visitorsNow(siteNum: number): number {
    const visitors = this.#active.get(siteNum)
    if (!visitors) return 0
    const since = this.now() - REALTIME_WINDOW_MS - this.#base
    let n = 0
    for (const [fp, ts] of visitors) {
      if (ts >= since) n++
      else {
        visitors.delete(fp)
        this.#size--
      }
    }
    return n
  }

  /** Subscribe to "this site's figures changed" (after each commit touching it). Returns the unsubscribe. */
  subscribe(siteNum: number, listener: ChangeListener): () => void {
    let set = this.#listeners.get(siteNum)
    if (!set) this.#listeners.set(siteNum, (set = new Set()))
    set.add(listener)
    return () => {
      set!.delete(listener)
      if (set!.size === 0) this.#listeners.delete(siteNum)
    }
  }

  #visitorsOf(site: number): Map<number, number> {
    let visitors = this.#active.get(site)
    if (!visitors) this.#active.set(site, (visitors = new Map()))
    return visitors
  }

  #changed(site: number): void {
    for (const listener of this.#listeners.get(site) ?? []) listener(site)
  }

  #prune(): void {
    const since = this.now() - REALTIME_WINDOW_MS - this.#base
    for (const [site, visitors] of this.#active) {
      for (const [fp, ts] of visitors) {
        if (ts < since) {
          visitors.delete(fp)
          this.#size--
        }
      }
      if (visitors.size === 0) this.#active.delete(site)
    }
  }
}
