/**
 * Who is calling, and what they may do on a site.
 *
 * Credentials: an API token (`Authorization: Bearer …` or `X-Api-Key: …`) if one is sent — an invalid
 * token is a 401 even when a cookie is present too, so a script never silently acts as a browser user —
 * otherwise the `hk_token` session cookie.
 *
 * Site access: a site the caller has no role on answers exactly like a site that does not exist (404),
 * so ids cannot be probed; a visible site with too small a role answers 403.
 *
 * An answer that outlives its request (an event stream) asks {@link stillAllowed} again and again: the
 * caller's credentials and role are read afresh each time, never trusted from when it started.
 * @module
 */
import { refuse } from '../errors/index.js'
import { clientById, clientOfToken } from '../accounts/api-clients.js'
import { liveSession, sessionOfToken } from '../accounts/login-sessions.js'
import { roleOnSite, type Principal } from '../accounts/principal.js'
import { roleAtLeast, type Role } from '../accounts/roles.js'
import { tokenHash } from '../accounts/tokens.js'
import { userById } from '../accounts/users.js'
import { type Store, getSite, type SiteRecord } from '../store/index.js'
import { cookieValue, type RequestFacts } from './request.js'

export const SESSION_COOKIE = 'hk_token'

export type Credentials = { kind: 'none' } | { kind: 'invalid' } | { kind: 'ok'; principal: Principal }

export function resolveCredentials(store: Store, facts: RequestFacts, now: number): Credentials {
  let token = ''
  if (facts.authorization !== '') {
    const m = /^bearer[ \t]+(\S+)\s*$/i.exec(facts.authorization)
    if (!m) return { kind: 'invalid' }
    token = m[1]!
  } else if (facts.apiKey !== '') token = facts.apiKey.trim()
  if (token !== '') {
    const client = clientOfToken(store, token)
    const user = client && userById(store, client.user_id)
    return client && user ? { kind: 'ok', principal: { kind: 'token', user, client } } : { kind: 'invalid' }
  }
  return sessionCredentials(store, facts.cookie, now)
}

/** The login session of a `Cookie` header's `hk_token`: none without the cookie, invalid when stale. */
export function sessionCredentials(store: Store, cookieHeader: string, now: number): Credentials {
  const cookie = cookieValue(cookieHeader, SESSION_COOKIE)
  if (cookie === '') return { kind: 'none' }
  const session = sessionOfToken(store, cookie, now)
  const user = session && userById(store, session.user_id)
  return session && user
    ? { kind: 'ok', principal: { kind: 'session', user, session, tokenHash: tokenHash(cookie) } }
    : { kind: 'invalid' }
}

/** The site, if the caller has at least `needed` on it; otherwise throws the 404 or 403. */
export function siteFor(
  store: Store,
  principal: Principal | null,
  siteId: string,
  needed: Role,
): { site: SiteRecord; role: Role } {
  const site = getSite(store, siteId)
  const role = site && principal ? roleOnSite(store, principal, siteId) : undefined
  if (!site || role === undefined) throw refuse('unknown_site', 'id visible to you', siteId)
  if (!roleAtLeast(role, needed)) throw refuse('forbidden', needed)
  return { site, role }
}

/**
 * The caller as the store has it now: the same login session (unexpired) or the same API client, with
 * its user read afresh; undefined once the session was signed out or expired, or the client deleted.
 */
export function currentPrincipal(store: Store, p: Principal, now: number): Principal | undefined {
  if (p.kind === 'session') {
    const session = liveSession(store, p.tokenHash, now)
    const user = session && userById(store, session.user_id)
    return session && user ? { ...p, user, session } : undefined
  }
  const client = clientById(store, p.client.user_id, p.client.id)
  const user = client && userById(store, client.user_id)
  return client && user ? { kind: 'token', user, client } : undefined
}

/** Whether the caller, as the store has it now, still has at least `needed` on the site (which still exists). */
export function stillAllowed(store: Store, p: Principal, siteId: string, needed: Role, now: number): boolean {
  const current = currentPrincipal(store, p, now)
  const role = current && getSite(store, siteId) ? roleOnSite(store, current, siteId) : undefined
  return role !== undefined && roleAtLeast(role, needed)
}
