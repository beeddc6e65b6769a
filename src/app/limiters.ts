/**
 * The four rate limiters of the HTTP front end, in one shared lock-free GCRA table (src/limiter/): one
 * bucket per (limiter, client IP), or per (limiter, token) for server-side ingestion.
 * @module
 */
import type { Config } from '../config/options.js'
import { createLimiterTable, RateLimiter } from '../limiter/index.js'

/** Limiter ids inside the shared table. */
const INGEST_LIMITER = 1
const API_LIMITER = 2
const AUTH_LIMITER = 3
const SERVER_INGEST_LIMITER = 4

export interface Limiters {
  /** Browser ingestion (`/ingest`, `/ingest/event`), per client IP. */
  ingest: RateLimiter
  /** Server-side ingestion, per API token. */
  serverIngest: RateLimiter
  /** The REST API, per client IP. */
  api: RateLimiter
  /** Sign-in and set-up, per client IP. */
  auth: RateLimiter
}

export function createLimiters(config: Config): Limiters {
  const table = createLimiterTable()
  const limiter = (rate: number, burst: number, limiterId: number) =>
    new RateLimiter(table, { rate, burst }, { limiterId })
  return {
    ingest: limiter(config.ingestRate, config.ingestBurst, INGEST_LIMITER),
    serverIngest: limiter(config.serverIngestRate, config.serverIngestBurst, SERVER_INGEST_LIMITER),
    api: limiter(config.apiRate, config.apiBurst, API_LIMITER),
    auth: limiter(config.authRate, config.authBurst, AUTH_LIMITER),
  }
}
