/**
 * Sites: `GET/POST /api/sites`, `GET/PATCH/DELETE /api/sites/{id}`. The creator owns the site; a
 * time-zone change rebuilds its day and month figures; a delete removes everything stored about it.
 * @module
 */
import { z } from 'zod'
import { refuse } from '../../errors/index.js'
import { sitesOf } from '../../accounts/memberships.js'
import type { Role } from '../../accounts/roles.js'
import { getSite, isValidTimezone, normaliseDomain, SiteError, type SiteRecord } from '../../store/index.js'
import { roleOnSite } from '../../accounts/principal.js'
import { route } from '../route.js'
import { siteRoute } from '../site-route.js'
import { siteBodySchema, siteIdParams, sitePatchSchema, siteSchema } from '../schemas.js'
import type { Principal } from '../types.js'

export const siteView = (s: SiteRecord, role: Role) => ({
  id: s.id,
  domain: s.domain,
  timezone: s.timezone,
  created_at: s.created_at,
  role,
})

function checkTimezone(tz: string): string {
  if (!isValidTimezone(tz))
    throw refuse('invalid_field', [{ field: 'timezone', message: `not an IANA time zone: ${JSON.stringify(tz)}` }])
  return tz
}

function visibleSites(store: Parameters<typeof getSite>[0], principal: Principal) {
  const ids =
    principal.kind === 'session'
      ? sitesOf(store, principal.user.id).map((m) => m.siteId)
      : principal.client.site_roles.map((g) => g.site_id)
  const out = []
  for (const id of ids) {
    const site = getSite(store, id)
    const role = site && roleOnSite(store, principal, id)
    if (site && role) out.push(siteView(site, role))
  }
  return out.sort((a, b) => a.created_at.localeCompare(b.created_at))
}

export const siteRoutes = [
  route({
    method: 'GET',
    path: '/api/sites',
    summary: 'The sites you have a role on',
    tag: 'sites',
    access: 'any',
    limit: 'api',
    responses: { 200: { description: 'OK', schema: z.array(siteSchema) } },
    handle({ principal, deps }) {
      return { status: 200, body: visibleSites(deps.store, principal!) }
    },
  }),

  route({
    method: 'POST',
    path: '/api/sites',
    summary: 'Register a site; you become its owner',
    tag: 'sites',
    access: 'session',
    limit: 'api',
    body: siteBodySchema,
    responses: {
      201: { description: 'Created', schema: siteSchema },
      409: { description: 'The domain has a site already' },
    },
    async handle({ body, principal, deps }) {
      let domain: string
      try {
        domain = normaliseDomain(body.domain)
      } catch (err) {
        if (err instanceof SiteError) throw refuse('invalid_field', [{ field: 'domain', message: err.message }])
        throw err
      }
      const timezone = checkTimezone(body.timezone ?? 'UTC')
      const site = await deps.write('createSite', { domain, timezone, ownerId: principal!.user.id })
      return { status: 201, body: siteView(site, 'owner') }
    },
  }),

  siteRoute({
    method: 'GET',
    path: '/api/sites/:id',
    summary: 'One site',
    tag: 'sites',
    access: 'any',
    limit: 'api',
    params: siteIdParams,
    responses: { 200: { description: 'OK', schema: siteSchema } },
    role: 'viewer',
    handle({ site, role }) {
      return { status: 200, body: siteView(site, role) }
    },
  }),

  siteRoute({
    method: 'PATCH',
    path: '/api/sites/:id',
    summary: "Change the site's reporting time zone (owner); its figures are rebuilt",
    tag: 'sites',
    access: 'any',
    limit: 'api',
    params: siteIdParams,
    body: sitePatchSchema,
    responses: { 200: { description: 'OK', schema: siteSchema } },
    role: 'owner',
    async handle({ params, body, deps, role }) {
      const site = await deps.write('updateSite', { siteId: params.id, timezone: checkTimezone(body.timezone) })
      return { status: 200, body: siteView(site, role) }
    },
  }),

  siteRoute({
    method: 'DELETE',
    path: '/api/sites/:id',
    summary: 'Delete the site and everything stored about it (owner, signed in)',
    tag: 'sites',
    access: 'session',
    limit: 'api',
    params: siteIdParams,
    responses: { 204: { description: 'Deleted' } },
    role: 'owner',
    async handle({ params, deps }) {
      await deps.write('deleteSite', { siteId: params.id })
      return { status: 204 }
    },
  }),
]
