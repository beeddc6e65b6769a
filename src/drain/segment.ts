/**
 * The work of one drain task, inside a worker: decode the records of its segments (one per ring lane,
 * in lane order within each), then write raw events,
 * interned strings, session state, rollup deltas and unique-visitor sketches in ONE LMDB transaction,
 * so rollups always equal a recount of the raw events — also after a crash, since a transaction commits
 * whole or not at all.
 * @module
 */
import type { RingReader } from '../ring/index.js'
import {
  type Store,
  getSiteByNum,
  type SiteRecord,
  Interner,
  commitFaultOf,
  StorageFaultError,
  type StorageFault,
  type StoreGuard,
} from '../store/index.js'
import { decodeSegment, newParseCache, type Item } from './decode.js'
import { writeBatch, type BatchOutcome } from './write-batch.js'
import { createSessionTable, SessionTable } from '../sessions/table.js'
import { restoreLane } from '../sessions/log.js'
import { SESSION_TIMEOUT_MS } from '../sessions/session.js'
import { existingSalt, utcDay } from '../identity/salts.js'
import { VisitorCache } from '../identity/visitor-cache.js'
import type { DrainResult, DrainTask } from './protocol.js'

/** Sites are re-read after this long, so a deleted or changed site is noticed. */
const SITE_CACHE_MS = 5_000

export class SegmentDrainer {
  readonly #interner: Interner
  readonly #sites = new Map<number, { site: SiteRecord; at: number }>()
  readonly #sessions: SessionTable[]
  readonly #visitors = new VisitorCache()

  /**
   * `sessionTables`: one per ring lane, shared by every drain worker of the server (src/sessions/table.ts);
   * a drainer of its own (benches, tools) gets private ones, restored from the session log all the same.
   */
  constructor(
    private readonly store: Store,
    private readonly rings: RingReader[],
    sessionTables: SharedArrayBuffer[] = rings.map(() => createSessionTable()),
    /**
     * Checked before and after every commit: a store whose data directory vanished still takes commits
     * (LMDB holds its files open), into a file nobody will read again (src/store/identity.ts). The
     * server passes one; in-process tools and benches have no one else's directory to lose.
     */
    private readonly guard: StoreGuard | null = null,
  ) {
    this.#interner = new Interner(store)
    if (sessionTables.length !== rings.length)
      throw new Error(`${sessionTables.length} session tables for ${rings.length} lanes`)
    this.#sessions = sessionTables.map((sab) => new SessionTable(sab))
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

  /**
   * Visitor ids (one SHA-256 per new visitor and day) worked out before the write transaction, where
   * LMDB's single writer does not serialise them: while one worker commits, another hashes its batch. Only
   * with a salt already committed; an event of a day without one gets its id inside the transaction,
   * where the salt is created (src/identity/salts.ts).
   */
  #identify(items: Item[]): void {
    let day = NaN
    let salt: Buffer | undefined
    for (const item of items) {
      if (item.type !== 'event') continue
      const d = utcDay(item.ts)
      if (d !== day) {
        day = d
        salt = existingSalt(this.store, d)
      }
      if (salt) {
        const s = salt
        item.visitor = this.#visitors.get(d, item.site.num, item.ip, item.userAgent, () => s)
      }
    }
  }

  /**
   * Throws a {@link StorageFaultError} (or lmdb-js's commit error) when nothing was committed — or when
   * the commit went into a data file the server no longer reaches; then the caller must not release the
   * segment. Resolves with `fault` set when the commit holds but its flush to disk failed.
   */
  async drain(task: DrainTask): Promise<DrainResult> {
    const before = this.guard?.check()
    if (before) throw new StorageFaultError(before)
    const dropped: Record<string, number> = {}
    const drop = (reason: string) => (dropped[reason] = (dropped[reason] ?? 0) + 1)
    const items: Item[] = []
    const parsed = newParseCache()
    const segments = task.segments.map(({ lane, from, to }) => ({
      lane,
      to,
      records: decodeSegment(this.rings[lane]!, lane, from, to, this.#site, drop, items, parsed),
      openSessions: 0,
    }))
    // Drop records were counted in /metrics by the HTTP thread that decided them; here they only feed
    // the site's DROPPED rollup (in writeBatch).

    this.#identify(items)

    const started = performance.now()
    let outcome: BatchOutcome = {
      stored: 0,
      duplicates: 0,
      counters: 0,
      active: new Float64Array(0),
      logs: new Map(),
      untracked: 0,
      siteDeleted: 0,
    }
    const tables = this.#sessions
    const begun: number[] = []
    try {
      await this.store.env.transaction(() => {
        const now = Date.now()
        for (const { lane } of segments) {
          const table = tables[lane]!
          // Inside the write transaction: the log read here is everything any worker committed.
          if (!table.loaded) restoreLane(this.store, table, lane, tables.length)
          table.begin(now - 2 * SESSION_TIMEOUT_MS, utcDay(now) - 1)
          begun.push(lane)
        }
        outcome = writeBatch(this.store, this.#interner, items, { tables, lanes: begun }, this.#visitors)
      })
      this.#interner.committed()
      for (const lane of begun) tables[lane]!.end(outcome.logs.get(lane) ?? null)
    } catch (err) {
      // Handled now, read by the caller (src/store/faults.ts commitFaultOf): never an unhandled rejection.
      ;(err as { commitError?: Promise<unknown> } | null)?.commitError?.catch(() => {})
      this.#interner.aborted()
      this.#visitors.clear()
      for (const lane of begun) tables[lane]!.rollback()
      throw err
    }
    const commitMs = performance.now() - started
    let flushed = task.sync
    let fault: StorageFault | null = null
    if (task.sync) {
      // Committed but not on disk: the segment is released (committing it again would count it twice),
      // and durable answers wait for a later flush that succeeds (src/pipeline/acks.ts).
      try {
        await this.store.env.flushed
      } catch (err) {
        flushed = false
        fault = (await commitFaultOf(err, this.guard?.path ?? '')) ?? {
          code: 'EIO',
          message: `flushing the store failed: ${(err as Error).message}`,
          sticky: false,
        }
      }
    }
    const after = this.guard?.check()
    if (after) throw new StorageFaultError(after)
    const { stored, counters, active } = outcome
    if (outcome.duplicates > 0) dropped.duplicate = (dropped.duplicate ?? 0) + outcome.duplicates
    if (outcome.siteDeleted > 0) dropped.site_deleted = (dropped.site_deleted ?? 0) + outcome.siteDeleted
    for (const s of segments) s.openSessions = tables[s.lane]!.size
    const result: DrainResult = {
      segments,
      stored,
      dropped,
      counters,
      commitMs,
      flushed,
      active,
      untrackedSessions: outcome.untracked,
    }
    if (fault) result.fault = fault
    return result
  }
}
