/**
 * Opaque bearer secrets: login sessions (the `hk_token` cookie), API client tokens and the first-run
 * set-up token. 32 random bytes, base64url, behind a short prefix that says what the token is (and lets
 * secret scanners find leaked ones). Only the SHA-256 of a token is stored: the tokens carry 256 bits of
 * entropy, so a fast hash is enough — a slow hash only matters for guessable secrets such as passwords.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto'

export const TokenPrefix = {
  session: 'hrs_',
  apiClient: 'hrk_',
  /** The one-time first-run token (./setup-token.ts). */
  setup: 'hru_',
} as const

export function newToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url')
}

/** The key a token is stored under. Any string is accepted (a forged token simply finds nothing). */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** A quick shape check before touching the store: a prefix and 43 base64url characters. */
export function looksLikeToken(token: string, prefix: string): boolean {
  return (
    token.length === prefix.length + 43 &&
    token.startsWith(prefix) &&
    /^[A-Za-z0-9_-]+$/.test(token.slice(prefix.length))
  )
}
