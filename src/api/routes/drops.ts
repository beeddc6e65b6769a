/**
 * `GET /api/sites/{id}/drops`: what a site's visitors sent that was acknowledged but not stored, by
 * reason and per chart bucket (src/query/drops.ts). Any role on the site may read it; the range is
 * parsed and refused exactly as for `/stats`.
 * @module
 */
import { dropsResponseSchema, siteDrops, timeseriesQuerySchema } from '../../query/index.js'
import { siteFor } from '../access.js'
import { route } from '../route.js'
import { siteIdParams } from '../schemas.js'

export const dropRoutes = [
  route({
    method: 'GET',
    path: '/api/sites/:id/drops',
    summary: 'Events acknowledged but not stored (bots, prefetches, exclusions…): the total, by reason, and per bucket',
    tag: 'stats',
    access: 'any',
    limit: 'api',
    params: siteIdParams,
    query: timeseriesQuerySchema,
    responses: { 200: { description: 'OK', schema: dropsResponseSchema } },
    handle({ params, query, principal, deps }) {
      const { site } = siteFor(deps.store, principal, params.id, 'viewer')
      return { status: 200, body: siteDrops(deps.store, site, query, deps.now()) }
    },
  }),
]
