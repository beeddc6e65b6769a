/**
 * The admin ops: every write the REST API makes, run in a drain worker (never on the HTTP thread).
 * Each takes plain JSON arguments, runs inside ONE write transaction (see ./run.ts) and returns plain
 * JSON. Anything slow or secret that does not need the store — password hashing, token generation —
 * is done by the caller first, so a transaction holds the write lock only for the writes.
 * @module
 */
import {
  type Store,
  createSite,
  getSite,
  setSiteFilters,
  type SiteRecord,
  packClosedBuckets,
  type PackProgress,
} from '../store/index.js'
import { rebuildSiteRollups } from '../derive/rebuild.js'
import { refuse } from '../errors/index.js'
import {
  createUserInTransaction,
  hasAnyUser,
  normaliseEmail,
  publicUser,
  userByEmail,
  type PublicUser,
} from '../accounts/users.js'
import {
  deleteSetupTokenInTransaction,
  issueSetupTokenInTransaction,
  setupTokenHashMatches,
} from '../accounts/setup-token.js'
import {
  putSessionInTransaction,
  pruneSessionsInTransaction,
  removeSessionInTransaction,
  type LoginSession,
} from '../accounts/login-sessions.js'
import {
  putClientInTransaction,
  publicClient,
  removeClientInTransaction,
  type ApiClientRecord,
  type PublicApiClient,
} from '../accounts/api-clients.js'
import {
  grantInTransaction,
  ownerCount,
  revokeInTransaction,
  roleOf,
  type SiteMember,
} from '../accounts/memberships.js'
import { roleAtLeast, type Role } from '../accounts/roles.js'
import { createGoalInTransaction, deleteGoalInTransaction } from '../goals/store.js'
import type { Goal } from '../goals/goal.js'
import { deleteSiteInTransaction } from './site-data.js'
import { clearLegacySessionsInTransaction } from '../sessions/log.js'

export interface NewSession {
  hash: string
  session: LoginSession
}

export interface Exclusions {
  excluded_ips: string[]
  allowed_hostnames: string[]
}

export const MAX_EXCLUSIONS = 1000

function siteOrRefuse(store: Store, siteId: string): SiteRecord {
  const site = getSite(store, siteId)
  if (!site) throw refuse('unknown_site', 'id visible to you', siteId)
  return site
}

/** The caller's own role, checked again in the transaction: it may have changed since the HTTP thread looked. */
function requireRole(store: Store, userId: string, siteId: string, needed: Role): void {
  const role = roleOf(store, userId, siteId)
  if (role === undefined) throw refuse('unknown_site', 'id visible to you', siteId)
  if (!roleAtLeast(role, needed)) throw refuse('forbidden', needed)
}

export const adminOps = {
  /**
   * The smallest write there is, for the server's health (src/ops/store-health.ts): while the store is
   * degraded and no drain is retrying, it tells when writes succeed again.
   */
  probeWrite(store: Store, a: { now: number }): { ok: true } {
    store.meta.put('write_probe_at', a.now)
    return { ok: true }
  },

  /**
   * The first user (refused once any user exists), signed in at once. The set-up token is checked again
   * here — `hitring setup-url` may have replaced it since the HTTP thread looked — and deleted with the
   * user's creation, so it works once.
   */
  initialUser(
    store: Store,
    a: { email: string; passwordHash: string; setupTokenHash: string; login: NewSession },
  ): PublicUser {
    if (hasAnyUser(store)) throw refuse('setup_complete')
    if (!setupTokenHashMatches(store, a.setupTokenHash)) throw refuse('invalid_setup_token', false)
    const user = createUserInTransaction(store, a.email, a.passwordHash, true)
    deleteSetupTokenInTransaction(store)
    putSessionInTransaction(store, a.login.hash, { ...a.login.session, user_id: user.id })
    return publicUser(user)
  },

  /** A new set-up token (its hash; the token is made and printed by the caller) while no user exists. */
  issueSetupToken(store: Store, a: { hash: string }): { issued: boolean } {
    return { issued: issueSetupTokenInTransaction(store, a.hash) }
  },

  createSession(store: Store, a: NewSession): { ok: true } {
    putSessionInTransaction(store, a.hash, a.session)
    return { ok: true }
  },

  deleteSession(store: Store, a: { hash: string }): { removed: boolean } {
    return { removed: removeSessionInTransaction(store, a.hash) }
  },

  pruneSessions(store: Store, a: { now: number }): { removed: number } {
    return { removed: pruneSessionsInTransaction(store, a.now) }
  },

  /** Visitor sessions of the databases before the session log (src/sessions/log.ts), in bounded steps. */
  clearLegacySessions(store: Store, a: { limit: number }): { removed: number } {
    return { removed: clearLegacySessionsInTransaction(store, a.limit) }
  },

  createApiClient(store: Store, a: { client: ApiClientRecord }): PublicApiClient {
    putClientInTransaction(store, a.client)
    return publicClient(store, a.client)
  },

  deleteApiClient(store: Store, a: { userId: string; clientId: string }): { ok: true } {
    if (!removeClientInTransaction(store, a.userId, a.clientId)) throw refuse('unknown_api_client', a.clientId)
    return { ok: true }
  },

  /** `domain` and `timezone` were validated by the caller; the duplicate check must be here, in the transaction. */
  createSite(store: Store, a: { domain: string; timezone: string; ownerId: string }): SiteRecord {
    if (store.siteDomains.get(a.domain) !== undefined) throw refuse('duplicate_domain', a.domain)
    const site = createSite(store, a.domain, a.timezone)
    grantInTransaction(store, a.ownerId, site.id, 'owner')
    return site
  },

  /** A new time zone re-buckets the site's local days and months in the same transaction. */
  updateSite(store: Store, a: { siteId: string; timezone: string }): SiteRecord {
    const site = siteOrRefuse(store, a.siteId)
    if (site.timezone === a.timezone) return site
    const next: SiteRecord = { ...site, timezone: a.timezone }
    store.sites.put(site.id, next)
    rebuildSiteRollups(store, site.num)
    return next
  },

  deleteSite(store: Store, a: { siteId: string }): { removed: number } {
    return deleteSiteInTransaction(store, siteOrRefuse(store, a.siteId))
  },

  /** Adds `add` to and removes `remove` from the site's lists (entries already normalised by the caller). */
  changeExclusions(
    store: Store,
    a: { siteId: string; add?: Partial<Exclusions>; remove?: Partial<Exclusions> },
  ): Exclusions {
    const site = siteOrRefuse(store, a.siteId)
    const change = (current: string[] | undefined, add: string[] = [], remove: string[] = []) => {
      const gone = new Set(remove)
      return [...new Set([...(current ?? []), ...add])].filter((x) => !gone.has(x))
    }
    const lists = {
      excluded_ips: change(site.excluded_ips, a.add?.excluded_ips, a.remove?.excluded_ips),
      allowed_hostnames: change(site.allowed_hostnames, a.add?.allowed_hostnames, a.remove?.allowed_hostnames),
    }
    for (const [field, list] of Object.entries(lists)) {
      // Checked on every ingest request: keep the lists small.
      if (list.length > MAX_EXCLUSIONS)
        throw refuse('invalid_field', [{ field, message: `at most ${MAX_EXCLUSIONS} entries per site` }])
    }
    const next = setSiteFilters(store, site.id, lists)
    return { excluded_ips: next.excluded_ips ?? [], allowed_hostnames: next.allowed_hostnames ?? [] }
  },

  createGoal(store: Store, a: { siteId: string; goal: Pick<Goal, 'name' | 'type' | 'value'> }): Goal {
    siteOrRefuse(store, a.siteId)
    return createGoalInTransaction(store, a.siteId, a.goal)
  },

  deleteGoal(store: Store, a: { siteId: string; goalId: string }): { ok: true } {
    siteOrRefuse(store, a.siteId)
    if (!deleteGoalInTransaction(store, a.siteId, a.goalId)) throw refuse('unknown_goal', a.goalId)
    return { ok: true }
  },

  /** One step of packing ended days and months (src/store/packed.ts); `more` asks for another call. */
  packClosed(store: Store, a: { now: number }): PackProgress {
    return packClosedBuckets(store, a.now)
  },

  /**
   * Shares a site (owner): gives the existing user with `email` a role, or changes the role they hold.
   * The last owner cannot be demoted; that check and the caller's role are read in this transaction.
   */
  setMember(
    store: Store,
    a: { siteId: string; actorId: string; email: string; role: Role },
  ): { member: SiteMember; created: boolean } {
    siteOrRefuse(store, a.siteId)
    requireRole(store, a.actorId, a.siteId, 'owner')
    const user = userByEmail(store, a.email)
    if (!user) throw refuse('unknown_user', normaliseEmail(a.email))
    const before = roleOf(store, user.id, a.siteId)
    if (before === 'owner' && a.role !== 'owner' && ownerCount(store, a.siteId) === 1) throw refuse('last_owner')
    if (before !== a.role) grantInTransaction(store, user.id, a.siteId, a.role)
    return { member: { user_id: user.id, email: user.email, role: a.role }, created: before === undefined }
  },

  /** Takes a user's role on a site away (an owner; or the user themselves, leaving), never the last owner's. */
  removeMember(store: Store, a: { siteId: string; actorId: string; userId: string }): { ok: true } {
    siteOrRefuse(store, a.siteId)
    requireRole(store, a.actorId, a.siteId, a.userId === a.actorId ? 'viewer' : 'owner')
    const before = roleOf(store, a.userId, a.siteId)
    if (before === undefined) throw refuse('unknown_member', a.userId)
    if (before === 'owner' && ownerCount(store, a.siteId) === 1) throw refuse('last_owner')
    revokeInTransaction(store, a.userId, a.siteId)
    return { ok: true }
  },
} satisfies Record<string, (store: Store, args: never) => unknown>

export type AdminOps = typeof adminOps
export type AdminOpName = keyof AdminOps
export type AdminArgs<K extends AdminOpName> = Parameters<AdminOps[K]>[1]
export type AdminResult<K extends AdminOpName> = ReturnType<AdminOps[K]>
