/**
 * Who may do what on which site: one role per (user, site), stored twice — by user (to list a user's
 * sites) and by site (to remove everyone's access when a site is deleted) — always written together.
 * @module
 */
import type { Store } from '../store/index.js'
import { isRole, type Role } from './roles.js'
import { under } from './keys.js'

/** A member as the API shows it (`GET /api/sites/{id}/members`). */
export interface SiteMember {
  user_id: string
  email: string
  role: Role
}

export function roleOf(store: Store, userId: string, siteId: string): Role | undefined {
  const role = store.memberships.get([userId, siteId])
  return isRole(role) ? role : undefined
}

/** The rows under `id` of one of the two role indexes: [the other id, role]. */
function rolesUnder(db: Store['memberships'] | Store['siteMembers'], id: string): Array<[string, Role]> {
  const out: Array<[string, Role]> = []
  for (const { key, value } of db.getRange(under(id))) {
    const other = (key as string[])[1]
    if (typeof other === 'string' && isRole(value)) out.push([other, value])
  }
  return out
}

/** The site ids a user has a role on, with the role. */
export function sitesOf(store: Store, userId: string): Array<{ siteId: string; role: Role }> {
  return rolesUnder(store.memberships, userId).map(([siteId, role]) => ({ siteId, role }))
}

/** Inside a write transaction. */
export function grantInTransaction(store: Store, userId: string, siteId: string, role: Role): void {
  store.memberships.put([userId, siteId], role)
  store.siteMembers.put([siteId, userId], role)
}

/** Removes every role on a site (it is being deleted). Inside a write transaction. */
export function revokeSiteInTransaction(store: Store, siteId: string): void {
  const users = [...store.siteMembers.getKeys(under(siteId))].map((k) => (k as string[])[1]!)
  for (const userId of users) {
    store.memberships.remove([userId, siteId])
    store.siteMembers.remove([siteId, userId])
  }
}

/** Everyone with a role on a site, with the role. */
export function membersOf(store: Store, siteId: string): Array<{ userId: string; role: Role }> {
  return rolesUnder(store.siteMembers, siteId).map(([userId, role]) => ({ userId, role }))
}

/** How many owners a site has: never let it fall to zero (nobody could share, re-zone or delete it). */
export function ownerCount(store: Store, siteId: string): number {
  return membersOf(store, siteId).filter((m) => m.role === 'owner').length
}

/** Removes one user's role on a site; false if they had none. Inside a write transaction. */
export function revokeInTransaction(store: Store, userId: string, siteId: string): boolean {
  if (roleOf(store, userId, siteId) === undefined) return false
  store.memberships.remove([userId, siteId])
  store.siteMembers.remove([siteId, userId])
  return true
}
