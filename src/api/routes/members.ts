/**
 * Sharing a site: `GET/POST /api/sites/{id}/members`, `DELETE /api/sites/{id}/members/{user_id}`.
 * Owners only (HitKeep's `manage_team`), except that any member may remove themselves (leave). The
 * user must exist already (`hitring user add`); POST on a member changes their role. A site always
 * keeps one owner (409 `last_owner`). Changes are session-only: a leaked token must not be able to
 * hand the site to another account, which would outlive the token's revocation.
 *
 * The role checks run twice: here (the usual 404/403 of every site route) and again in the admin op's
 * transaction (src/admin/ops.ts), with the last-owner check, so two owners racing cannot both win.
 * @module
 */
import { z } from 'zod'
import { membersOf, type SiteMember } from '../../accounts/memberships.js'
import { userById } from '../../accounts/users.js'
import type { Store } from '../../store/index.js'
import { siteRoute } from '../site-route.js'
import { memberBodySchema, memberParams, memberSchema, siteIdParams } from '../schemas.js'

/** The site's members, by e-mail. */
export function listMembers(store: Store, siteId: string): SiteMember[] {
  const out: SiteMember[] = []
  for (const m of membersOf(store, siteId)) {
    const user = userById(store, m.userId)
    if (user) out.push({ user_id: user.id, email: user.email, role: m.role })
  }
  return out.sort((a, b) => a.email.localeCompare(b.email))
}

const common = { tag: 'members', limit: 'api' } as const

export const memberRoutes = [
  siteRoute({
    ...common,
    method: 'GET',
    path: '/api/sites/:id/members',
    summary: 'Who has which role on the site, by e-mail (owner)',
    access: 'any',
    params: siteIdParams,
    responses: { 200: { description: 'OK', schema: z.array(memberSchema) } },
    role: 'owner',
    handle({ params, deps }) {
      return { status: 200, body: listMembers(deps.store, params.id) }
    },
  }),

  siteRoute({
    ...common,
    method: 'POST',
    path: '/api/sites/:id/members',
    summary: "Share the site with an existing user, or change a member's role (owner, signed in)",
    access: 'session',
    params: siteIdParams,
    body: memberBodySchema,
    responses: {
      200: { description: 'Already a member: the role is now the one given', schema: memberSchema },
      201: { description: 'Added', schema: memberSchema },
      404: {
        description: 'No such site visible to you (`unknown_site`), or no user with this e-mail (`unknown_user`)',
      },
      409: { description: 'It would demote the last owner (`last_owner`)' },
    },
    role: 'owner',
    async handle({ params, body, principal, deps }) {
      const { member, created } = await deps.write('setMember', {
        siteId: params.id,
        actorId: principal!.user.id,
        email: body.email,
        role: body.role,
      })
      return { status: created ? 201 : 200, body: member }
    },
  }),

  siteRoute({
    ...common,
    method: 'DELETE',
    path: '/api/sites/:id/members/:user_id',
    summary: 'Remove a member (owner), or leave the site (your own user_id, any role); never the last owner',
    access: 'session',
    params: memberParams,
    responses: {
      204: { description: 'Removed' },
      404: {
        description: 'No such site visible to you (`unknown_site`), or the user is not a member (`unknown_member`)',
      },
      409: { description: 'The last owner (`last_owner`)' },
    },
    // Leaving (one's own user_id) takes any role; removing someone else, the owner's.
    role: ({ params, principal }) => (params.user_id === principal!.user.id ? 'viewer' : 'owner'),
    async handle({ params, principal, deps }) {
      const actorId = principal!.user.id
      await deps.write('removeMember', { siteId: params.id, actorId, userId: params.user_id })
      return { status: 204 }
    },
  }),
]
