/**
 * Who is calling — a signed-in user (cookie) or an API client (token) — and the role that caller has on
 * a site. Used by the REST API (src/api/access.ts) and by server-side ingestion (src/http/server-items.ts),
 * which both answer "may this caller act on this site?" the same way.
 * @module
 */
import type { Store } from '../store/index.js'
import type { ApiClientRecord } from './api-clients.js'
import type { LoginSession } from './login-sessions.js'
import { roleOf } from './memberships.js'
import { lowerRole, type Role } from './roles.js'
import type { UserRecord } from './users.js'

/** Who is calling: a signed-in user (cookie) or an API client (token). */
export type Principal =
  | { kind: 'session'; user: UserRecord; session: LoginSession; tokenHash: string }
  | { kind: 'token'; user: UserRecord; client: ApiClientRecord }

/** The caller's role on a site: a user's membership; for an API client, the lower of its grant and its user's role. */
export function roleOnSite(store: Store, principal: Principal, siteId: string): Role | undefined {
  const own = roleOf(store, principal.user.id, siteId)
  if (own === undefined || principal.kind === 'session') return own
  const grant = principal.client.site_roles.find((g) => g.site_id === siteId)
  return grant === undefined ? undefined : lowerRole(own, grant.role)
}
