/**
 * Idempotency keys of server-side items (`id` in a batch item): an item whose key was accepted for the
 * same site in the last 24 hours is a duplicate, reported as such and not counted again — also across
 * restarts, because accepted keys are committed to LMDB in the same transaction as their events. A
 * dropped item's key is kept the same way (with its drop record), so a retry does not count the drop twice.
 *
 * The HTTP thread answers at once, so it checks two places: keys accepted but not yet committed (in
 * memory, per lane and ring position, forgotten when their segment commits) and keys in LMDB (a
 * synchronous read). The drain checks LMDB again inside its transaction, so even a race cannot store an
 * item twice.
 * @module
 */
import { ringDistance } from '../ring/index.js'
import type { Store } from '../store/index.js'
import { Limits } from '../event/index.js'

/** Kept for the importers below the ingest layer to move to `Limits.idempotencyWindowMs` (src/event/limits.ts). */
export class IdempotencyIndex {
  readonly #pending = new Map<string, true>()
  readonly #byLane: Array<Array<{ key: string; position: number }>>

  constructor(
    private readonly store: Store,
    lanes: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#byLane = Array.from({ length: lanes }, () => [])
  }

  isDuplicate(siteNum: number, id: string): boolean {
    if (this.#pending.has(`${siteNum}\n${id}`)) return true
    const at = this.store.idempotency.get([siteNum, id]) as number | undefined
    return at !== undefined && this.now() - at < Limits.idempotencyWindowMs
  }

  /** An item with this key was put in `lane`; its record ends before ring `position`. */
  accepted(siteNum: number, id: string, lane: number, position: number): void {
    const key = `${siteNum}\n${id}`
    this.#pending.set(key, true)
    this.#byLane[lane]!.push({ key, position })
  }

  /** `lane` committed everything before `to`: its keys are in LMDB now. */
  drained(lane: number, to: number): void {
    const queue = this.#byLane[lane]!
    let n = 0
    while (n < queue.length && ringDistance(queue[n]!.position, to) < 0x8000_0000) n++
    if (n === 0) return
    // Renew this thread's read snapshot first, or a stale one could miss the keys we stop holding.
    this.store.env.resetReadTxn()
    for (const { key } of queue.splice(0, n)) this.#pending.delete(key)
  }
}
