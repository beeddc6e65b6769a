/**
 * Starts the ingestion engine: store, rings, limiter, drain pool and HTTP front end, wired together;
 * and stops it without losing what was acknowledged (see {@link RunningServer.close}).
 * @module
 */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { uws, type us_listen_socket } from './native/uws.js'
import { defaultPublicUrl, type Config } from './config/options.js'
import { createLimiterTable, RateLimiter } from './limiter/index.js'
import { createRing, RingWriter } from './ring/index.js'
import { createSessionTable } from './sessions/table.js'
import { openStore, SiteDirectory, readIdentity, type StorageFault } from './store/index.js'
import { DrainScheduler } from './pipeline/scheduler.js'
import type { DrainWorkerData } from './drain/index.js'
import { createApp } from './app/create-app.js'
import { createEngineMetrics } from './ops/engine-metrics.js'
import { DurableAcks } from './pipeline/acks.js'
import { IdempotencyIndex } from './ingest/index.js'
import { RealtimeHub } from './realtime/hub.js'
import type { Logger } from './ops/logger.js'
import { adminWriter, runAdminOp } from './admin/writer.js'
import { clearLegacySessions } from './admin/legacy-sessions.js'
import { startPacker } from './admin/packer.js'
import { StoreHealth } from './ops/store-health.js'
import { watchStore } from './ops/store-watch.js'
import { countUnstored, type Unstored } from './pipeline/unstored.js'
import { issueSetupToken } from './admin/setup-link.js'
import { setupLink } from './accounts/setup-token.js'

/** Ring lanes. Fixed (not tied to the worker count) so a client maps to the same lane on any machine. */
export const LANES = 4
/** Limiter ids inside the shared GCRA table: one bucket per (limiter, client IP). */
const INGEST_LIMITER = 1
const API_LIMITER = 2
const AUTH_LIMITER = 3
const SERVER_INGEST_LIMITER = 4
/** Expired login sessions are deleted this often (they are refused at once anyway; this frees the space). */
const SESSION_PRUNE_MS = 10 * 60 * 1000

export interface RunningServer {
  port: number
  /** -public-url, or the listening address: http://<host>:<bound port>, localhost for every interface. */
  publicUrl: string
  /**
   * Stops accepting, drains every ring into LMDB, syncs it to disk and closes. `drained` is true only
   * when everything acknowledged is stored and on disk, in the data file the server opened; otherwise
   * `unstored` counts what was not (and the caller must say so loudly).
   */
  close(): Promise<CloseOutcome>
  /** While no user exists: the one-time link that creates the first account (only for the start-up log). */
  setupLink: string | null
}

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

const DRAIN_WORKER = fileURLToPath(new URL('../dist/workers/drain.js', import.meta.url))

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const store = openStore({ path: config.dataPath })
  // The data file just opened: workers and a timer check that the path still leads to it (src/store/identity.ts).
  const identity = readIdentity(config.dataPath)
  const metrics = createEngineMetrics()
  const laneBytes = Math.max(1 << 16, config.ringBytes / LANES)
  const ringBuffers = Array.from({ length: LANES }, () => createRing(laneBytes))
  const rings = ringBuffers.map((sab) => new RingWriter(sab))
  const limiterTable = createLimiterTable()
  const limiter = new RateLimiter(
    limiterTable,
    { rate: config.ingestRate, burst: config.ingestBurst },
    { limiterId: INGEST_LIMITER },
  )
  const apiLimiter = new RateLimiter(
    limiterTable,
    { rate: config.apiRate, burst: config.apiBurst },
    { limiterId: API_LIMITER },
  )
  const authLimiter = new RateLimiter(
    limiterTable,
    { rate: config.authRate, burst: config.authBurst },
    { limiterId: AUTH_LIMITER },
  )
  const tokenLimiter = new RateLimiter(
    limiterTable,
    { rate: config.serverIngestRate, burst: config.serverIngestBurst },
    { limiterId: SERVER_INGEST_LIMITER },
  )
  const acks = new DurableAcks(LANES)
  // Durable requests still waiting when the store is lost for good would wait for ever: they hear now
  // that their events were not stored (503 not_stored), as they would at shutdown.
  const health = new StoreHealth(logger, (fault) => {
    metrics.storeDegraded.inc({ code: fault.code })
    if (fault.sticky) acks.failAll()
  })
  const idempotency = new IdempotencyIndex(store, LANES)

  const sessionTables = ringBuffers.map(() => createSessionTable(Math.max(16, config.sessionSlots / LANES)))
  const openSessions = sessionTables.map(() => 0)
  // Absolute: a worker opens the store later (on its first task), when the working directory the
  // relative default './data' was resolved against may be gone (then the worker must fail, not guess).
  const dataPath = resolve(config.dataPath)
  const workerData: DrainWorkerData = { rings: ringBuffers, sessionTables, dataPath, identity }
  const pool = new Piscina({
    filename: DRAIN_WORKER,
    minThreads: config.workers,
    maxThreads: config.workers,
    // Two tasks per worker: an admin write (REST API) need not wait behind a drain task.
    concurrentTasksPerWorker: 2,
    // 'sync' atomics would freeze lmdb-js callbacks between tasks (piscina#316).
    atomics: 'disabled',
    idleTimeout: 2 ** 30,
    // A batch's decoded events stay live until its commit; with the default young generation each
    // scavenge copied them again (GC was ~19 % of a drain worker's time in the e2e profile, ~12 % with 64 MiB).
    resourceLimits: { maxYoungGenerationSizeMb: 64 },
    workerData,
  })
  // A worker that dies (a bug, or an error lmdb-js raises outside any task) is replaced by Piscina and its
  // task rejected (then retried): the process must not die with it. Piscina emits 'error' for it, and an
  // unhandled 'error' event ends the process (https://nodejs.org/api/events.html#error-events).
  pool.on('error', (err: unknown) => logger.error({ err }, 'a drain worker died; it is replaced and its task retried'))
  const realtime = new RealtimeHub()
  let lastDrainError: string | null = null
  // At most one drain task per worker (the second slot of each worker is left to admin writes), and
  // only one at all while the rings keep up: fewer, larger commits (src/pipeline/scheduler.ts `#limit`).
  const scheduler = new DrainScheduler(
    pool,
    rings,
    config.workers,
    {
      onDrained(r) {
        if (lastDrainError !== null) logger.info('drain recovered: the failing segments are stored')
        lastDrainError = null
        if (r.fault) health.report(r.fault, 'flush')
        else health.committed()
        metrics.stored.inc(undefined, r.stored)
        metrics.drainTasks.inc()
        metrics.batchSize.observe(r.segments.reduce((n, s) => n + s.records, 0))
        metrics.commitMs.observe(r.commitMs)
        if (r.untrackedSessions > 0) metrics.untrackedSessions.inc(undefined, r.untrackedSessions)
        for (const [reason, n] of Object.entries(r.dropped)) metrics.dropped.inc({ reason }, n)
        realtime.onDrained(r)
        for (const { lane, to, openSessions: open } of r.segments) {
          openSessions[lane] = open
          idempotency.drained(lane, to)
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
        if (message !== lastDrainError)
          logger.error({ lane, attempt, err: error }, 'drain task failed; the segment stays in the ring and is retried')
        lastDrainError = message
      },
    },
    (lane) => acks.waiting(lane),
  )

  metrics.registry.gauge('hitring_ring_used_bytes', 'Bytes waiting in each ring lane (drain lag)', () =>
    rings.map((r, i) => ({ labels: { lane: String(i) }, value: r.used() })),
  )
  metrics.registry.gauge('hitring_ring_capacity_bytes', 'Capacity of each ring lane', () =>
    rings.map((r, i) => ({ labels: { lane: String(i) }, value: r.capacity })),
  )
  metrics.registry.gauge('hitring_ring_high_water_bytes', 'Most bytes ever waiting in each ring lane', () =>
    rings.map((r, i) => ({ labels: { lane: String(i) }, value: r.stats().highWater })),
  )
  metrics.registry.gauge('hitring_ring_full_total', 'Records refused because a ring lane was full (answered 503)', () =>
    rings.map((r, i) => ({ labels: { lane: String(i) }, value: r.stats().fullRejections })),
  )
  metrics.registry.gauge('hitring_sessions_open', "Open sessions in each lane's table, as of its last batch", () =>
    openSessions.map((value, i) => ({ labels: { lane: String(i) }, value })),
  )
  metrics.registry.gauge(
    'hitring_store_writable',
    'Whether the store takes writes (0: degraded, ingest refused with 503 storage_unavailable)',
    () => [{ value: health.writable ? 1 : 0 }],
  )
  metrics.registry.gauge('hitring_drain_in_flight', 'Drain tasks running now', () => [{ value: scheduler.inFlight }])
  metrics.registry.gauge('hitring_limiter_table', 'Rate-limiter table events', () =>
    Object.entries(limiter.stats()).map(([event, value]) => ({ labels: { event }, value })),
  )

  let closing = false
  // Known once the port is bound (a test listens on port 0): the CSRF origin and the cookie's Secure flag.
  let publicUrl = config.publicUrl
  const write = adminWriter(pool, store, health)
  const sites = new SiteDirectory(store)
  const { app, api } = createApp({
    store,
    sites,
    rings,
    metrics,
    acks,
    idempotency,
    write,
    hub: realtime,
    logger,
    limiters: { ingest: limiter, serverIngest: tokenLimiter, api: apiLimiter, auth: authLimiter },
    trustedProxies: config.trustedProxies,
    filters: { respectDnt: config.respectDnt },
    ackMode: config.ingestAck,
    backfillMs: config.backfillMs,
    batchMaxItems: config.batchMaxItems,
    batchMaxBytes: config.batchMaxBytes,
    publicUrl: () => publicUrl,
    publicUrlConfigured: config.publicUrlExplicit,
    sessionMs: config.sessionMs,
    rememberMeMs: config.rememberMeMs,
    streamCaps: { perUser: config.streamMaxPerUser, perIp: config.streamMaxPerIp },
    published: () => scheduler.kick(),
    isClosing: () => closing,
    storeWritable: () => health.writable,
    now: Date.now,
    notReadyReason: () => {
      if (closing) return 'shutting down'
      if (!health.writable) return `store not writable: ${health.fault!.message}`
      if (pool.threads.length === 0) return 'no drain worker is running'
      if (scheduler.failingLanes > 0) return `drain failing: ${lastDrainError ?? 'unknown error'}`
      return null
    },
    renderMetrics: () => metrics.registry.render(),
  })

  // Committed before the port opens, so the link printed at start works from the first request.
  const setupToken = await issueSetupToken(write, store, logger)
  const listenSocket = await new Promise<us_listen_socket>((resolve, reject) => {
    const done = (token: us_listen_socket | false) =>
      token ? resolve(token) : reject(new Error(`cannot listen on ${config.host || '*'}:${config.port}`))
    if (config.host === '') app.listen(config.port, done)
    else app.listen(config.host, config.port, done)
  })
  const port = uws.us_socket_local_port(listenSocket)
  if (!config.publicUrlExplicit) publicUrl = defaultPublicUrl(config.host, port)
  const pruneTimer = setInterval(() => {
    write('pruneSessions', { now: Date.now() }).catch((err) => logger.warn({ err }, 'could not prune expired sessions'))
  }, SESSION_PRUNE_MS)
  pruneTimer.unref()
  const packer = startPacker(write, logger, Date.now)
  const watch = watchStore({
    path: dataPath,
    identity,
    health,
    async probe() {
      const reply = await runAdminOp(pool, 'probeWrite', { now: Date.now() })
      return reply.ok ? null : (reply.fault ?? { code: 'EIO', message: reply.error.body.message, sticky: false })
    },
    ringsEmpty: () => rings.every((r) => r.used() === 0),
  })
  void clearLegacySessions(write, logger)

  return {
    port,
    publicUrl,
    setupLink: setupToken === null ? null : setupLink(publicUrl, setupToken),
    async close() {
      closing = true
      clearInterval(pruneTimer)
      packer.stop()
      uws.us_listen_socket_close(listenSocket)
      api.closeStreams()
      // One last look: a directory removed a moment ago must not pass for a clean shutdown.
      await watch.check()
      watch.stop()
      // A store that is gone can take nothing more: no point waiting for the timeout.
      let drained = health.lost ? false : await scheduler.drainAll(config.shutdownTimeoutMs)
      let reason: string | null = drained
        ? null
        : (health.fault?.message ?? `the rings could not be drained within ${config.shutdownTimeoutMs} ms`)
      const pendingBytes = rings.reduce((n, r) => n + r.used(), 0)
      scheduler.stop()
      // Committed transactions are in the OS page cache; make them durable before saying goodbye.
      // `sync` (mdb_env_sync) exists on the environment but is missing from lmdb-js's typings.
      const syncError = await new Promise<unknown>((resolve) =>
        (store.env as unknown as { sync(cb: (err?: unknown) => void): void }).sync((err) => resolve(err ?? null)),
      ).catch((err: unknown) => err)
      if (syncError) {
        drained = false
        reason = `flushing the store to disk failed: ${(syncError as Error).message ?? String(syncError)}`
      }
      await watch.check()
      if (health.lost) {
        drained = false
        reason = health.fault!.message
      }
      // Counted before the pool closes (no task runs on the rings any more): what the log line reports.
      const unstored = drained ? { events: 0, drops: 0 } : countUnstored(ringBuffers)
      // Durable requests hear "not stored" (503), never a false 202.
      const notStoredRequests = drained ? 0 : acks.failAll()
      await pool.close({ force: !drained })
      // Force-closes keep-alive connections; present in this uWS build, missing from its typings.
      ;(app as unknown as { close(): void }).close()
      await store.close()
      return { drained, pendingBytes, unstored, notStoredRequests, reason }
    },
  }
}
