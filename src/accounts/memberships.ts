/**
 * Who may do what on which site: one role per (user, site), stored twice — by user (to list a user's
 * sites) and by site (to remove everyone's access when a site is deleted) — always written together.
 * @module
 */
import type { Store } from '../store/open.js'
import { isRole, type Role } from './roles.js'
import { under } from './keys.js'

export function roleOf(store: Store, userId: string, siteId: string): Role | undefined {
  const role = store.memberships.get([userId, siteId])
  return isRole(role) ? role : undefined
}

/** The site ids a user has a role on, with the role. */
export function sitesOf(store: Store, userId: string): Array<{ siteId: string; role: Role }> {
  const out: Array<{ siteId: string; role: Role }> = []
  for (const { key, value } of store.memberships.getRange(under(userId))) {
    const siteId = (key as string[])[1]
    if (typeof siteId === 'string' && isRole(value)) out.push({ siteId, role: value })
  }
  return out
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
