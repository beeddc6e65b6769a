/**
 * What is forgotten when a UTC day starts: the first batch of a day creates the day's salt (identity/
 * salts.ts deletes the salts older than yesterday), and in the same write transaction this step forgets
 * what only those salts could link — the logged open sessions keyed by them (sessions/log.ts) — and the
 * idempotency keys past their 24-hour window (ingest/idempotency.ts). It runs once a day, so the drain
 * pays nothing for it per event; the shared-memory session tables forget the same sessions at their next
 * sweep.
 * @module
 */
import type { Store } from '../store/index.js'
import { existingSalt, newSaltInTransaction } from '../identity/salts.js'
import { pruneLogInTransaction } from '../sessions/log.js'
import { Limits } from '../event/index.js'

/**
 * The salt of UTC day `day`; the day's first call (in a write transaction) creates it and runs
 * {@link pruneExpiredInTransaction} in the same transaction, so a salt and the deletion of everything
 * older commit together — and LMDB's single writer makes every worker agree on one salt.
 */
export function daySaltInTransaction(store: Store, day: number): Buffer {
  const existing = existingSalt(store, day)
  if (existing) return existing
  const salt = newSaltInTransaction(store, day)
  pruneExpiredInTransaction(store, day)
  return salt
}

/**
 * Retention at the start of `day`: logged sessions of salt days before yesterday, and idempotency keys
 * accepted more than `Limits.idempotencyWindowMs` ago. Call inside a write transaction.
 */
export function pruneExpiredInTransaction(store: Store, day: number): void {
  // Logged sessions of older salt days (the shared-memory tables forget them at their next sweep).
  pruneLogInTransaction(store, day - 1)
  // Once a day is also when idempotency keys older than their 24-hour window are forgotten.
  const cutoff = Date.now() - Limits.idempotencyWindowMs
  for (const { key, value } of store.idempotency.getRange({})) {
    if ((value as number) < cutoff) store.idempotency.remove(key)
  }
}
