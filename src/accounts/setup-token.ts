/**
 * The one-time set-up token: `POST /api/initial-user` (the instance owner) needs it, so the first person
 * to reach a fresh server — or one whose data directory was lost — cannot make themselves its owner.
 * Only its operator sees the token: `hitring serve` prints the set-up link in its start-up log, and
 * `hitring setup-url` makes a new one.
 *
 * Stored only as the SHA-256 of the token (like session tokens, ./tokens.ts) under one `meta` key; a new
 * token replaces the previous one, and creating the first user deletes it in the same transaction. The
 * server reads it from LMDB on every attempt (never cached): `hitring setup-url` writes it from another
 * process while the server runs.
 * @module
 */
import { timingSafeEqual } from 'node:crypto'
import type { Store } from '../store/index.js'
import { newToken, TokenPrefix, tokenHash } from './tokens.js'
import { hasAnyUser } from './users.js'

/** The `meta` key of the token's hash (hex). */
export const SETUP_TOKEN_KEY = 'setup_token_sha256'

export function newSetupToken(): string {
  return newToken(TokenPrefix.setup)
}

/** The link an operator opens: the dashboard's set-up page, carrying the token. */
export function setupLink(publicUrl: string, token: string): string {
  return `${publicUrl}/setup?token=${encodeURIComponent(token)}`
}

/**
 * Whether `hash` (see {@link tokenHash}) is the stored one. Compared in constant time, so the time an
 * answer takes says nothing about how much of a guess was right.
 */
export function setupTokenHashMatches(store: Store, hash: string): boolean {
  const stored = store.meta.get(SETUP_TOKEN_KEY)
  const given = Buffer.from(hash, 'hex')
  if (typeof stored !== 'string' || given.length !== 32) return false
  const expected = Buffer.from(stored, 'hex')
  return expected.length === given.length && timingSafeEqual(expected, given)
}

/** {@link setupTokenHashMatches} for the token itself (what a request sends). */
export function setupTokenMatches(store: Store, token: string): boolean {
  return setupTokenHashMatches(store, tokenHash(token))
}

/** Stores `hash` as the set-up token (replacing any earlier one), unless a user exists: then false. */
export function issueSetupTokenInTransaction(store: Store, hash: string): boolean {
  if (hasAnyUser(store)) return false
  store.meta.put(SETUP_TOKEN_KEY, hash)
  return true
}

export function deleteSetupTokenInTransaction(store: Store): void {
  store.meta.remove(SETUP_TOKEN_KEY)
}
