/**
 * API clients: named tokens for automation, each with explicit per-site roles. The token is shown once
 * at creation and stored only as its SHA-256. A client never exceeds its user: the effective role is
 * the lower of the client's grant and the user's own role on the site (`roleOnSite` in ./principal.ts).
 * @module
 */
import { type Store, getSite } from '../store/index.js'
import { under } from './keys.js'
import type { Role } from './roles.js'
import { looksLikeToken, TokenPrefix, tokenHash } from './tokens.js'

export interface SiteGrant {
  site_id: string
  role: Role
}

export interface ApiClientRecord {
  id: string
  user_id: string
  name: string
  site_roles: SiteGrant[]
  token_hash: string
  created_at: string
}

/** What answers show: everything but the token hash; grants of deleted sites left out. */
export interface PublicApiClient {
  id: string
  name: string
  site_roles: SiteGrant[]
  created_at: string
}

export function publicClient(store: Store, c: ApiClientRecord): PublicApiClient {
  return {
    id: c.id,
    name: c.name,
    site_roles: c.site_roles.filter((g) => getSite(store, g.site_id) !== undefined),
    created_at: c.created_at,
  }
}

export function clientOfToken(store: Store, token: string): ApiClientRecord | undefined {
  if (!looksLikeToken(token, TokenPrefix.apiClient)) return undefined
  const key = store.apiTokens.get(tokenHash(token)) as [string, string] | undefined
  return key === undefined ? undefined : clientById(store, key[0], key[1])
}

/** One of a user's clients, or undefined (never created, or deleted). */
export function clientById(store: Store, userId: string, clientId: string): ApiClientRecord | undefined {
  return store.apiClients.get([userId, clientId]) as ApiClientRecord | undefined
}

/** A user's clients, oldest first. */
export function clientsOf(store: Store, userId: string): ApiClientRecord[] {
  return [...store.apiClients.getRange(under(userId))]
    .map(({ value }) => value as ApiClientRecord)
    .sort((a, b) => a.created_at.localeCompare(b.created_at))
}

/** Inside a write transaction. */
export function putClientInTransaction(store: Store, client: ApiClientRecord): void {
  store.apiClients.put([client.user_id, client.id], client)
  store.apiTokens.put(client.token_hash, [client.user_id, client.id])
}

/** Inside a write transaction. Returns whether the user had such a client. */
export function removeClientInTransaction(store: Store, userId: string, clientId: string): boolean {
  const client = clientById(store, userId, clientId)
  if (!client) return false
  store.apiClients.remove([userId, clientId])
  store.apiTokens.remove(client.token_hash)
  return true
}
