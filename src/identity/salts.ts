/**
 * Daily salts for visitor hashing. A salt is 32 random bytes per UTC day, stored in LMDB so every
 * worker (and a restarted process) hashes the same visitor to the same id during that day. At 00:00 UTC
 * a new salt starts; yesterday's is kept only so sessions that cross midnight can be continued, and is
 * deleted the day after — so after two rotations nobody, us included, can link a visitor to its past.
 * @module
 */
import { randomBytes } from 'node:crypto'
import type { Store } from '../store/open.js'
import { DAY_MS } from '../store/buckets.js'
import { IDEMPOTENCY_WINDOW_MS } from '../ingest/idempotency.js'
import { pruneLogInTransaction } from '../sessions/log.js'

export function utcDay(ts: number): number {
  return Math.floor(ts / DAY_MS)
}

/**
 * The salt of UTC day `day`, created when missing. Call inside a write transaction: creation, the
 * deletion of salts older than yesterday and of the sessions keyed by them happen atomically, and LMDB's
 * single writer guarantees that two workers agree on one salt.
 */
export function saltInTransaction(store: Store, day: number): Buffer {
  const existing = store.salts.get(day)
  if (existing) return existing
  const salt = randomBytes(32)
  store.salts.put(day, salt)
  for (const { key } of store.salts.getRange({ end: day - 1 })) store.salts.remove(key)
  // Logged sessions of older salt days (the shared-memory tables forget them at their next sweep).
  pruneLogInTransaction(store, day - 1)
  // Once a day is also when idempotency keys older than their 24-hour window are forgotten.
  const cutoff = Date.now() - IDEMPOTENCY_WINDOW_MS
  for (const { key, value } of store.idempotency.getRange({})) if ((value as number) < cutoff) store.idempotency.remove(key)
  return salt
}

/** The salt of `day` if it exists (read-only; for continuing yesterday's sessions). */
export function existingSalt(store: Store, day: number): Buffer | undefined {
  return store.salts.get(day)
}
