/**
 * Roles on a site. `owner` may do everything (change the time zone, delete the site); `editor` also
 * manages goals and exclusions; `viewer` reads. Ordered, so "at least editor" is a comparison.
 * @module
 */
export const ROLES = ['viewer', 'editor', 'owner'] as const
export type Role = (typeof ROLES)[number]

const RANK: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 }

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x)
}

export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed]
}

/** The less privileged of two roles: an API client never exceeds the user who owns it. */
export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b
}
