/**
 * Whether the store can write, as the main thread knows it: a storage fault (src/store/faults.ts)
 * reported by a drain task, an admin write, the flush or the identity check turns the server
 * *degraded*; the next successful commit turns it back — unless the fault is sticky (the data file
 * the server opened is gone: only a restart helps).
 *
 * While degraded, ingest and API writes are refused at once with 503 `storage_unavailable`, `/readyz`
 * answers 503 with the reason and `/metrics` shows `hitring_store_writable 0`; events already in the
 * rings stay there until a commit succeeds. One log line per change of state, never one per retry.
 * @module
 */
import type { Logger } from './logger.js'
import type { StorageFault } from '../store/index.js'

export class StoreHealth {
  #fault: StorageFault | null = null
  #since = 0

  constructor(
    private readonly logger: Logger,
    /** Told each time the store stops taking writes (or the cause changes). */
    private readonly onDegraded: (fault: StorageFault) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  /** False while degraded. Read on every ingest request. */
  get writable(): boolean {
    return this.#fault === null
  }

  /** The current fault, or null. */
  get fault(): StorageFault | null {
    return this.#fault
  }

  /** True when only a restart can make the store writable again. */
  get lost(): boolean {
    return this.#fault?.sticky === true
  }

  /** A write failed for a storage reason. A sticky fault is never replaced. */
  report(fault: StorageFault, where: string): void {
    const current = this.#fault
    if (current?.sticky) return
    if (current !== null && current.code === fault.code && current.sticky === fault.sticky) return
    if (current === null) this.#since = this.now()
    this.#fault = fault
    this.onDegraded(fault)
    this.logger.error(
      { code: fault.code, sticky: fault.sticky, where },
      `store not writable: ${fault.message}. New events and API writes are refused with 503 storage_unavailable; ` +
        (fault.sticky
          ? 'events already accepted cannot be stored by this process'
          : 'events already accepted stay in memory and are stored once writes succeed'),
    )
  }

  /** A commit succeeded (drain task, admin write or probe): a fault that is not sticky is over. */
  committed(): void {
    const fault = this.#fault
    if (fault === null || fault.sticky) return
    this.#fault = null
    const downMs = this.now() - this.#since
    this.logger.info(
      { code: fault.code, downMs },
      `store writable again after ${(downMs / 1000).toFixed(1)} s (${fault.code}); ingest resumed`,
    )
  }
}
