/**
 * Stopping without losing what was acknowledged: stop accepting, drain every ring into LMDB, `fsync`,
 * check that the data file is still the one opened, and say exactly what was not stored otherwise.
 * @module
 */
import type { Piscina } from 'piscina'
import type { Packer } from '../admin/packer.js'
import type { RegisteredApi } from '../api/index.js'
import { uws, type TemplatedApp, type us_listen_socket } from '../native/uws.js'
import type { StoreHealth } from '../ops/store-health.js'
import type { StoreWatch } from '../ops/store-watch.js'
import type { DurableAcks } from '../pipeline/acks.js'
import type { DrainScheduler } from '../pipeline/scheduler.js'
import { countUnstored, type Unstored } from '../pipeline/unstored.js'
import type { RingWriter } from '../ring/index.js'
import type { Store } from '../store/index.js'

export interface CloseOutcome {
  drained: boolean
  /** Ring bytes left (0 when drained). */
  pendingBytes: number
  /** Events and drop counts left in the rings, never stored. */
  unstored: Unstored
  /** Durable requests still waiting, answered 503 `not_stored`. */
  notStoredRequests: number
  /** Why not everything was stored: the store's fault, a timeout, a failed flush. */
  reason: string | null
}

/** What a running server holds, as far as stopping it goes. */
export interface ShutdownParts {
  app: TemplatedApp
  listenSocket: us_listen_socket
  api: RegisteredApi
  timers: Array<ReturnType<typeof setInterval>>
  packer: Packer
  watch: StoreWatch
  health: StoreHealth
  scheduler: DrainScheduler
  pool: Piscina
  rings: RingWriter[]
  ringBuffers: SharedArrayBuffer[]
  acks: DurableAcks
  store: Store
  shutdownTimeoutMs: number
}

/** Call once the server says it is closing (ingest answers 503 `shutting_down` from then on). */
export async function shutDown(p: ShutdownParts): Promise<CloseOutcome> {
  for (const timer of p.timers) clearInterval(timer)
  p.packer.stop()
  uws.us_listen_socket_close(p.listenSocket)
  p.api.closeStreams()
  // One last look: a directory removed a moment ago must not pass for a clean shutdown.
  await p.watch.check()
  p.watch.stop()
  // A store that is gone can take nothing more: no point waiting for the timeout.
  let drained = p.health.lost ? false : await p.scheduler.drainAll(p.shutdownTimeoutMs)
  let reason: string | null = drained
    ? null
    : (p.health.fault?.message ?? `the rings could not be drained within ${p.shutdownTimeoutMs} ms`)
  const pendingBytes = p.rings.reduce((n, r) => n + r.used(), 0)
  p.scheduler.stop()
  // Committed transactions are in the OS page cache; make them durable before saying goodbye.
  // `sync` (mdb_env_sync) exists on the environment but is missing from lmdb-js's typings.
  const syncError = await new Promise<unknown>((resolve) =>
    (p.store.env as unknown as { sync(cb: (err?: unknown) => void): void }).sync((err) => resolve(err ?? null)),
  ).catch((err: unknown) => err)
  if (syncError) {
    drained = false
    reason = `flushing the store to disk failed: ${(syncError as Error).message ?? String(syncError)}`
  }
  await p.watch.check()
  if (p.health.lost) {
    drained = false
    reason = p.health.fault!.message
  }
  // Counted before the pool closes (no task runs on the rings any more): what the log line reports.
  const unstored = drained ? { events: 0, drops: 0 } : countUnstored(p.ringBuffers)
  // Durable requests hear "not stored" (503), never a false 202.
  const notStoredRequests = drained ? 0 : p.acks.failAll()
  await p.pool.close({ force: !drained })
  // Force-closes keep-alive connections; present in this uWS build, missing from its typings.
  ;(p.app as unknown as { close(): void }).close()
  await p.store.close()
  return { drained, pendingBytes, unstored, notStoredRequests, reason }
}
