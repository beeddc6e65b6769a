/**
 * The metrics of the ingestion engine, named once here.
 * @module
 */
import { Registry } from './metrics.js'

export function createEngineMetrics() {
  const registry = new Registry()
  return {
    registry,
    accepted: registry.counter('hitring_ingest_accepted_total', 'Events answered 202 and put in the ring, by kind'),
    automated: registry.counter(
      'hitring_ingest_automated_total',
      'Of the accepted events, those hk.js sent from an automated browser it was allowed to count ' +
        '(data-allow-webdriver="true"), by kind',
    ),
    rejected: registry.counter('hitring_ingest_rejected_total', 'Requests refused with a 4xx/5xx, by error code'),
    rateLimited: registry.counter(
      'hitring_ingest_rate_limited_total',
      'Requests refused with 429 by the per-IP limiter',
    ),
    dropped: registry.counter(
      'hitring_ingest_dropped_total',
      'Events answered 202 but deliberately not stored, by reason (never silent)',
    ),
    stored: registry.counter('hitring_events_stored_total', 'Events committed to LMDB'),
    untrackedSessions: registry.counter(
      'hitring_sessions_untracked_total',
      "Stored events whose visit could not be continued because the lane's open-session table was full (each " +
        'counted as a new visit)',
    ),
    drainTasks: registry.counter('hitring_drain_tasks_total', 'Drain tasks completed'),
    drainFailures: registry.counter('hitring_drain_failures_total', 'Drain tasks that failed and were retried'),
    storeDegraded: registry.counter(
      'hitring_store_degraded_total',
      'Times the store stopped taking writes (or the cause changed), by fault code: ENOSPC, EIO, EROFS, STORE_GONE…',
    ),
    batchSize: registry.histogram(
      'hitring_drain_batch_events',
      'Events per drain task (LMDB transaction)',
      [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 50000],
    ),
    commitMs: registry.histogram(
      'hitring_drain_commit_ms',
      'Time from starting a batch transaction to its commit, ms',
      [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000],
    ),
  }
}

export type EngineMetrics = ReturnType<typeof createEngineMetrics>
