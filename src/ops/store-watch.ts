/**
 * Watches the store from the main thread, once a second, without blocking it:
 *
 * - **identity**: does the data directory still hold the data file the server opened? (src/store/identity.ts;
 *   an asynchronous `stat`, so a deleted or unmounted directory is noticed even when nothing is written);
 * - **recovery**: while the store is degraded and the rings are empty (no drain task left to retry), a
 *   tiny write in a worker (`probeWrite`) tells when writes succeed again. With events waiting, the drain's
 *   own retries decide: a probe can fit in pages LMDB reuses while a real batch still cannot, and the
 *   server would flap between the two states.
 * @module
 */
import { type StorageFault, identityFault, type StoreIdentity } from '../store/index.js'
import type { StoreHealth } from './store-health.js'

export const WATCH_INTERVAL_MS = 1_000

export interface StoreWatchOptions {
  path: string
  identity: StoreIdentity
  health: StoreHealth
  /** Runs the probe write in a worker: null when it committed, else its fault. */
  probe(): Promise<StorageFault | null>
  /** Whether no event waits in any ring (then the probe decides recovery). */
  ringsEmpty(): boolean
  intervalMs?: number
}

export interface StoreWatch {
  /** One check now (also what the timer runs); never two at once. */
  check(): Promise<void>
  stop(): void
}

export function watchStore(options: StoreWatchOptions): StoreWatch {
  const { path, identity, health } = options
  let running: Promise<void> | null = null
  let stopped = false
  const once = async (): Promise<void> => {
    const moved = await identityFault(path, identity)
    if (stopped) return
    if (moved) return health.report(moved, 'identity check')
    if (health.writable || health.lost || !options.ringsEmpty()) return
    const fault = await options.probe().catch((err: unknown) => ({
      code: 'EIO',
      message: `the write probe failed: ${String((err as Error)?.message ?? err)}`,
      sticky: false,
    }))
    if (stopped) return
    if (fault) health.report(fault, 'write probe')
    else health.committed()
  }
  const check = (): Promise<void> => (running ??= once().finally(() => (running = null)))
  const timer = setInterval(() => void check(), options.intervalMs ?? WATCH_INTERVAL_MS)
  timer.unref()
  return {
    check,
    stop() {
      stopped = true
      clearInterval(timer)
    },
  }
}
