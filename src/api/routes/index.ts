/**
 * The route table of `/api/*`: every route, in one list, which the router matches and the OpenAPI
 * document describes.
 * @module
 */
import type { RouteDef } from '../types.js'
import { openApiDocument } from '../openapi.js'
import { route } from '../route.js'
import { apiClientRoutes } from './api-clients.js'
import { authRoutes } from './auth.js'
import { exclusionRoutes } from './exclusions.js'
import { goalRoutes } from './goals.js'
import { memberRoutes } from './members.js'
import { realtimeRoutes } from './realtime.js'
import { siteRoutes } from './sites.js'
import { statsRoutes } from './stats.js'

export function apiRoutes(): RouteDef[] {
  const routes: RouteDef[] = [
    ...authRoutes,
    ...apiClientRoutes,
    ...siteRoutes,
    ...memberRoutes,
    ...exclusionRoutes,
    ...goalRoutes,
    ...statsRoutes,
    ...realtimeRoutes,
  ]
  let document: unknown
  routes.push(
    route({
      method: 'GET',
      path: '/api/openapi.json',
      summary: 'This document',
      tag: 'meta',
      access: 'public',
      limit: 'none',
      responses: { 200: { description: 'OpenAPI 3.1' } },
      handle({ deps }) {
        // Built once, on first use: the routes and schemas never change while the server runs.
        document ??= openApiDocument(routes, deps.publicUrl())
        return { status: 200, body: document }
      },
    }),
  )
  return routes
}
