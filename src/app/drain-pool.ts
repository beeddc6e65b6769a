/**
 * The drain: a Piscina pool of workers (workers/drain.ts) that the scheduler (src/pipeline/scheduler.ts)
 * hands ring segments, and what the main thread does with each result — health, metrics, realtime
 * pushes, idempotency and durable acknowledgements.
 * @module
 */
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import type { DrainWorkerData } from '../drain/index.js'
import type { IdempotencyIndex } from '../ingest/index.js'
import type { EngineMetrics } from '../ops/engine-metrics.js'
import type { Logger } from '../ops/logger.js'
import type { StoreHealth } from '../ops/store-health.js'
import type { DurableAcks } from '../pipeline/acks.js'
import { DrainScheduler } from '../pipeline/scheduler.js'
import type { RealtimeHub } from '../realtime/hub.js'
import type { RingWriter } from '../ring/index.js'
import type { StorageFault } from '../store/index.js'

/** The bundle's worker entry, beside dist/cli.js (esbuild bundles this file into it). */
const DRAIN_WORKER = fileURLToPath(new URL('../dist/workers/drain.js', import.meta.url))

export interface DrainParts {
  workers: number
  workerData: DrainWorkerData
  rings: RingWriter[]
  metrics: EngineMetrics
  health: StoreHealth
  realtime: RealtimeHub
  idempotency: IdempotencyIndex
  acks: DurableAcks
  logger: Logger
}

export interface Drain {
  pool: Piscina
  scheduler: DrainScheduler
  /** Open sessions in each lane's table, as of its last batch. */
  openSessions: number[]
  /** The message of the failure the drain is retrying, or null while it keeps up. */
  lastError(): string | null
}

export function startDrain(p: DrainParts): Drain {
  const { rings, metrics, health, acks, logger } = p
  const pool = new Piscina({
    filename: DRAIN_WORKER,
    minThreads: p.workers,
    maxThreads: p.workers,
    // Two tasks per worker: an admin write (REST API) need not wait behind a drain task.
    concurrentTasksPerWorker: 2,
    // 'sync' atomics would freeze lmdb-js callbacks between tasks (piscina#316).
    atomics: 'disabled',
    idleTimeout: 2 ** 30,
    // A batch's decoded events stay live until its commit; with the default young generation each
    // scavenge copied them again (GC was ~19 % of a drain worker's time in the e2e profile, ~12 % with 64 MiB).
    resourceLimits: { maxYoungGenerationSizeMb: 64 },
    workerData: p.workerData,
  })
  // A worker that dies (a bug, or an error lmdb-js raises outside any task) is replaced by Piscina and its
  // task rejected (then retried): the process must not die with it. Piscina emits 'error' for it, and an
  // unhandled 'error' event ends the process (https://nodejs.org/api/events.html#error-events).
  pool.on('error', (err: unknown) => logger.error({ err }, 'a drain worker died; it is replaced and its task retried'))
  const openSessions = rings.map(() => 0)
  let lastError: string | null = null
  // At most one drain task per worker (the second slot of each worker is left to admin writes), and
  // only one at all while the rings keep up: fewer, larger commits (src/pipeline/scheduler.ts `#limit`).
  const scheduler = new DrainScheduler(
    pool,
    rings,
    p.workers,
    {
      onDrained(r) {
        if (lastError !== null) logger.info('drain recovered: the failing segments are stored')
        lastError = null
        if (r.fault) health.report(r.fault, 'flush')
        else health.committed()
        metrics.stored.inc(undefined, r.stored)
        metrics.drainTasks.inc()
        metrics.batchSize.observe(r.segments.reduce((n, s) => n + s.records, 0))
        metrics.commitMs.observe(r.commitMs)
        if (r.untrackedSessions > 0) metrics.untrackedSessions.inc(undefined, r.untrackedSessions)
        for (const [reason, n] of Object.entries(r.dropped)) metrics.dropped.inc({ reason }, n)
        p.realtime.onDrained(r)
        for (const { lane, to, openSessions: open } of r.segments) {
          openSessions[lane] = open
          p.idempotency.drained(lane, to)
          acks.drained(lane, to, r.flushed)
        }
      },
      onFault(fault: StorageFault) {
        metrics.drainFailures.inc()
        health.report(fault, 'drain')
      },
      onFailure(lane, error, attempt) {
        const message = (error as Error)?.message ?? String(error)
        metrics.drainFailures.inc()
        // One line per change, not per retry: a failing lane is retried every few seconds.
        if (message !== lastError)
          logger.error({ lane, attempt, err: error }, 'drain task failed; the segment stays in the ring and is retried')
        lastError = message
      },
    },
    (lane) => acks.waiting(lane),
  )
  return { pool, scheduler, openSessions, lastError: () => lastError }
}
