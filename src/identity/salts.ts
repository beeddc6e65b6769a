/**
 * Daily salts for visitor hashing. A salt is 32 random bytes per UTC day, stored in LMDB so every
 * worker (and a restarted process) hashes the same visitor to the same id during that day. At 00:00 UTC
 * a new salt starts; yesterday's is kept only so sessions that cross midnight can be continued, and is
 * deleted the day after — so after two rotations nobody, us included, can link a visitor to its past.
 * What the deleted salts could link (logged sessions) is forgotten in the same transaction, with expired
 * idempotency keys, by the retention step src/derive/retention.ts: the drain asks it for a day's salt.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { type Store, DAY_MS } from '../store/index.js'

export function utcDay(ts: number): number {
  return Math.floor(ts / DAY_MS)
}

/**
 * Creates the salt of UTC day `day` (it must not exist) and deletes the salts older than yesterday. Call
 * inside a write transaction: LMDB's single writer guarantees that two workers agree on one salt. The
 * drain calls it through src/derive/retention.ts, which also forgets what the deleted salts could link.
 */
export function newSaltInTransaction(store: Store, day: number): Buffer {
  const salt = randomBytes(32)
  store.salts.put(day, salt)
  for (const { key } of store.salts.getRange({ end: day - 1 })) store.salts.remove(key)
  return salt
}

/** The salt of `day` if it exists (read-only; for continuing yesterday's sessions). */
export function existingSalt(store: Store, day: number): Buffer | undefined {
  return store.salts.get(day)
}
