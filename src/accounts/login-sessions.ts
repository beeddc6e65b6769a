/**
 * Login sessions: what an `hk_token` cookie stands for. Stored under the SHA-256 of the token, with an
 * absolute expiry; logout deletes the row, so a revoked token finds nothing.
 * @module
 */
import type { Store } from '../store/index.js'
import { looksLikeToken, TokenPrefix, tokenHash } from './tokens.js'

export interface LoginSession {
  user_id: string
  /** Epoch ms. */
  created_at: number
  expires_at: number
  remember: boolean
}

/** The live session of a cookie token, or undefined (unknown, malformed, revoked or expired). */
export function sessionOfToken(store: Store, token: string, now: number): LoginSession | undefined {
  if (!looksLikeToken(token, TokenPrefix.session)) return undefined
  return liveSession(store, tokenHash(token), now)
}

/** The live session stored under a token's hash, or undefined (revoked or expired). */
export function liveSession(store: Store, hash: string, now: number): LoginSession | undefined {
  const session = store.authSessions.get(hash) as LoginSession | undefined
  return session && session.expires_at > now ? session : undefined
}

/** Inside a write transaction. */
export function putSessionInTransaction(store: Store, hash: string, session: LoginSession): void {
  store.authSessions.put(hash, session)
}

/** Inside a write transaction. Returns whether a session was there. */
export function removeSessionInTransaction(store: Store, hash: string): boolean {
  if (store.authSessions.get(hash) === undefined) return false
  store.authSessions.remove(hash)
  return true
}

/** Deletes up to `max` expired sessions (inside a write transaction); returns how many. */
export function pruneSessionsInTransaction(store: Store, now: number, max = 10_000): number {
  const expired: string[] = []
  for (const { key, value } of store.authSessions.getRange({})) {
    if ((value as LoginSession).expires_at <= now) expired.push(key as string)
    if (expired.length >= max) break
  }
  for (const key of expired) store.authSessions.remove(key)
  return expired.length
}
