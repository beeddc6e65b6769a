/**
 * The work of one drain task, inside a worker: decode the segment's records, then write raw events,
 * interned strings, session state, rollup deltas and unique-visitor sketches in ONE LMDB transaction,
 * so rollups always equal a recount of the raw events — also after a crash, since a transaction commits
 * whole or not at all.
 * @module
 */
import type { RingReader } from '../ring/index.js'
import type { Store } from '../store/open.js'
import { getSiteByNum, type SiteRecord } from '../store/sites.js'
import { Interner } from '../store/strings.js'
import { decodeSegment } from './decode.js'
import { writeBatch, type BatchOutcome } from './write-batch.js'
import type { DrainResult, DrainTask } from './protocol.js'

/** Sites are re-read after this long, so a deleted or changed site is noticed. */
const SITE_CACHE_MS = 5_000

export class SegmentDrainer {
  readonly #interner: Interner
  readonly #sites = new Map<number, { site: SiteRecord; at: number }>()

  constructor(
    private readonly store: Store,
    private readonly rings: RingReader[],
  ) {
    this.#interner = new Interner(store)
  }

  #site = (num: number): SiteRecord | null => {
    const now = Date.now()
    const cached = this.#sites.get(num)
    if (cached && now - cached.at < SITE_CACHE_MS) return cached.site
    let site = getSiteByNum(this.store, num)
    if (!site) {
      this.store.env.resetReadTxn() // created a moment ago by another process?
      site = getSiteByNum(this.store, num)
    }
    if (site) this.#sites.set(num, { site, at: now })
    return site ?? null
  }

  async drain(task: DrainTask): Promise<DrainResult> {
    const dropped: Record<string, number> = {}
    const drop = (reason: string) => (dropped[reason] = (dropped[reason] ?? 0) + 1)
    const { items, records } = decodeSegment(this.rings[task.lane]!, task.from, task.to, this.#site, drop)
    // Drop records were counted in /metrics by the HTTP thread that decided them; here they only feed
    // the site's DROPPED rollup (in writeBatch).

    const started = performance.now()
    let outcome: BatchOutcome = { stored: 0, duplicates: 0, counters: 0, active: new Float64Array(0) }
    try {
      await this.store.env.transaction(() => {
        outcome = writeBatch(this.store, this.#interner, items)
      })
      this.#interner.committed()
    } catch (err) {
      this.#interner.aborted()
      throw err
    }
    const commitMs = performance.now() - started
    if (task.sync) await this.store.env.flushed
    const { stored, counters, active } = outcome
    if (outcome.duplicates > 0) dropped.duplicate = (dropped.duplicate ?? 0) + outcome.duplicates
    return { lane: task.lane, to: task.to, records, stored, dropped, counters, commitMs, flushed: task.sync, active }
  }
}
