/**
 * Starts the ingestion engine: store, rings, limiters, drain pool and HTTP front end, wired together
 * (the parts in src/app/); and stops it without losing what was acknowledged (see {@link RunningServer.close}).
 * @module
 */
import { resolve } from 'node:path'
import { uws, type us_listen_socket } from './native/uws.js'
import { defaultPublicUrl, type Config } from './config/options.js'
import { createRing, RingWriter } from './ring/index.js'
import { createSessionTable } from './sessions/table.js'
import { openStore, SiteDirectory, readIdentity } from './store/index.js'
import { createApp } from './app/create-app.js'
import type { DrainWorkerData } from './drain/index.js'
import { startDrain } from './app/drain-pool.js'
import { registerEngineGauges } from './app/engine-gauges.js'
import { createLimiters } from './app/limiters.js'
import { shutDown, type CloseOutcome } from './app/shutdown.js'
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
import { issueSetupToken } from './admin/setup-link.js'
import { setupLink } from './accounts/setup-token.js'

export type { CloseOutcome } from './app/shutdown.js'

/** Ring lanes. Fixed (not tied to the worker count) so a client maps to the same lane on any machine. */
export const LANES = 4
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

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const store = openStore({ path: config.dataPath })
  // The data file just opened: workers and a timer check that the path still leads to it (src/store/identity.ts).
  const identity = readIdentity(config.dataPath)
  const metrics = createEngineMetrics()
  const laneBytes = Math.max(1 << 16, config.ringBytes / LANES)
  const ringBuffers = Array.from({ length: LANES }, () => createRing(laneBytes))
  const rings = ringBuffers.map((sab) => new RingWriter(sab))
  const limiters = createLimiters(config)
  const acks = new DurableAcks(LANES)
  // Durable requests still waiting when the store is lost for good would wait for ever: they hear now
  // that their events were not stored (503 not_stored), as they would at shutdown.
  const health = new StoreHealth(logger, (fault) => {
    metrics.storeDegraded.inc({ code: fault.code })
    if (fault.sticky) acks.failAll()
  })
  const idempotency = new IdempotencyIndex(store, LANES)

  const sessionTables = ringBuffers.map(() => createSessionTable(Math.max(16, config.sessionSlots / LANES)))
  // Absolute: a worker opens the store later (on its first task), when the working directory the
  // relative default './data' was resolved against may be gone (then the worker must fail, not guess).
  const dataPath = resolve(config.dataPath)
  const workerData: DrainWorkerData = { rings: ringBuffers, sessionTables, dataPath, identity }
  const realtime = new RealtimeHub()
  const drain = startDrain({
    workers: config.workers,
    workerData,
    rings,
    metrics,
    health,
    realtime,
    idempotency,
    acks,
    logger,
  })
  const { pool, scheduler } = drain
  registerEngineGauges(metrics.registry, {
    rings,
    openSessions: drain.openSessions,
    health,
    scheduler,
    limiter: limiters.ingest,
  })

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
    limiters,
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
      if (scheduler.failingLanes > 0) return `drain failing: ${drain.lastError() ?? 'unknown error'}`
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
      return shutDown({
        app,
        listenSocket,
        api,
        timers: [pruneTimer],
        packer,
        watch,
        health,
        scheduler,
        pool,
        rings,
        ringBuffers,
        acks,
        store,
        shutdownTimeoutMs: config.shutdownTimeoutMs,
      })
    },
  }
}
