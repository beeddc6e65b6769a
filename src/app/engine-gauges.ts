/**
 * The engine's gauges in /metrics: ring lanes (drain lag, capacity, refusals), open sessions, whether
 * the store takes writes, drain tasks in flight and the limiter table. Read when /metrics is asked.
 * @module
 */
import type { RateLimiter } from '../limiter/index.js'
import type { Registry } from '../ops/metrics.js'
import type { StoreHealth } from '../ops/store-health.js'
import type { DrainScheduler } from '../pipeline/scheduler.js'
import type { RingWriter } from '../ring/index.js'

export interface GaugeSources {
  rings: RingWriter[]
  openSessions: readonly number[]
  health: StoreHealth
  scheduler: DrainScheduler
  /** The shared limiter table's events, read through one of its limiters. */
  limiter: RateLimiter
}

export function registerEngineGauges(registry: Registry, s: GaugeSources): void {
  const perLane = (value: (r: RingWriter) => number) => () =>
    s.rings.map((r, i) => ({ labels: { lane: String(i) }, value: value(r) }))
  registry.gauge(
    'hitring_ring_used_bytes',
    'Bytes waiting in each ring lane (drain lag)',
    perLane((r) => r.used()),
  )
  registry.gauge(
    'hitring_ring_capacity_bytes',
    'Capacity of each ring lane',
    perLane((r) => r.capacity),
  )
  registry.gauge(
    'hitring_ring_high_water_bytes',
    'Most bytes ever waiting in each ring lane',
    perLane((r) => r.stats().highWater),
  )
  registry.gauge(
    'hitring_ring_full_total',
    'Records refused because a ring lane was full (answered 503)',
    perLane((r) => r.stats().fullRejections),
  )
  registry.gauge('hitring_sessions_open', "Open sessions in each lane's table, as of its last batch", () =>
    s.openSessions.map((value, i) => ({ labels: { lane: String(i) }, value })),
  )
  registry.gauge(
    'hitring_store_writable',
    'Whether the store takes writes (0: degraded, ingest refused with 503 storage_unavailable)',
    () => [{ value: s.health.writable ? 1 : 0 }],
  )
  registry.gauge('hitring_drain_in_flight', 'Drain tasks running now', () => [{ value: s.scheduler.inFlight }])
  registry.gauge('hitring_limiter_table', 'Rate-limiter table events', () =>
    Object.entries(s.limiter.stats()).map(([event, value]) => ({ labels: { event }, value })),
  )
}
