/**
 * API-client tokens for the server-ingest routes: `Authorization: Bearer <token>` or `X-Api-Key`.
 * Looking a token up costs a SHA-256 and an LMDB read, and a backend sends thousands of requests a
 * second with the same token, so answers are cached for two seconds — a revoked token stops working
 * within that time.
 * @module
 */
import { clientOfToken } from '../accounts/api-clients.js'
import { userById } from '../accounts/users.js'
import type { Store } from '../store/open.js'
import type { Principal } from '../accounts/principal.js'

const CACHE_MS = 2_000
const CACHE_MAX = 10_000

export interface TokenCaller {
  principal: Extract<Principal, { kind: 'token' }>
  /** The limiter key of this token (its hash, so tokens share no bucket). */
  key: Uint8Array
}

export class TokenAuth {
  readonly #cache = new Map<string, { caller: TokenCaller | null; at: number }>()

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  /** The caller, or null for a missing, malformed, unknown or revoked token. */
  resolve(authorization: string, apiKey: string): TokenCaller | null {
    let token = ''
    if (authorization !== '') token = /^bearer[ \t]+(\S+)\s*$/i.exec(authorization)?.[1] ?? ''
    else token = apiKey.trim()
    if (token === '') return null
    const now = this.now()
    const hit = this.#cache.get(token)
    if (hit && now - hit.at < CACHE_MS) return hit.caller
    this.store.env.resetReadTxn() // a token created a moment ago by a worker
    const client = clientOfToken(this.store, token)
    const user = client && userById(this.store, client.user_id)
    const caller: TokenCaller | null =
      client && user ? { principal: { kind: 'token', user, client }, key: Buffer.from(client.token_hash, 'hex') } : null
    if (this.#cache.size >= CACHE_MAX) this.#cache.clear()
    this.#cache.set(token, { caller, at: now })
    return caller
  }
}
