/**
 * The uWebSockets.js application: every route and what answers a wrong method or an unknown path —
 * ingest, operations, and the REST API under `/api/` (src/api/). Every answer carries the security
 * headers of ./security-headers.ts, and every request with a repeated Content-Length is refused
 * (./framing.ts): by the browser ingest handlers in their own header walk, by a guard around the others.
 * Every route but the browser ingest POSTs is registered through ./head.ts, so an answer to HEAD — a
 * 404, a 405, an API error — has its headers and no body.
 * @module
 */
import { uws, type TemplatedApp } from '../native/uws.js'
import { EventKind } from '../ingest/payload.js'
import { refuse } from '../errors/index.js'
import { framedRoutes } from './framing.js'
import { headAware } from './head.js'
import { ingestHandler, type IngestContext } from './ingest-route.js'
import { registerOpsRoutes, type OpsContext } from './ops-routes.js'
import { serverIngestHandler, type ServerIngestContext } from './server-ingest-route.js'
import { registerTrackerRoutes } from './tracker-route.js'
import { registerDashboardRoutes } from './dashboard-route.js'
import { preflightHandler, sendError } from './respond.js'
import { configureSecurityHeaders } from './security-headers.js'
import { registerApi, type ApiDeps, type RegisteredApi } from '../api/index.js'

export function createApp(
  ingest: IngestContext,
  ops: OpsContext,
  apiDeps: ApiDeps,
  serverIngest: ServerIngestContext,
): { app: TemplatedApp; api: RegisteredApi } {
  // The scheme and host of the public URL are final now; only the default URL's port is learnt at listen.
  configureSecurityHeaders(apiDeps.publicUrl())
  const app = uws.App()
  // HEAD is marked first, so the framing guard's own refusal has no body either.
  const routes = framedRoutes(headAware(app), (res) => {
    ingest.metrics.rejected.inc({ code: 'invalid_content_length' })
    sendError(res, refuse('invalid_content_length'), '', true)
  })
  for (const [path, kind] of [
    ['/ingest/event', EventKind.Custom],
    ['/ingest', EventKind.Pageview],
  ] as const) {
    app.post(path, ingestHandler(ingest, kind)) // the hot path checks framing in its own header walk
    routes.options(path, preflightHandler)
    routes.any(path, (res, req) => {
      const origin = req.getHeader('origin')
      ingest.metrics.rejected.inc({ code: 'method_not_allowed' })
      sendError(res, refuse('method_not_allowed', 'POST, OPTIONS'), origin)
    })
  }
  // Server-side ingestion: static paths, matched before the API's /api/* wildcard.
  for (const [path, route] of [
    ['/api/ingest/server/pageview', 'pageview'],
    ['/api/ingest/server/event', 'event'],
    ['/api/ingest/batch', 'batch'],
  ] as const) {
    routes.post(path, serverIngestHandler(serverIngest, route))
    routes.any(path, (res) => sendError(res, refuse('method_not_allowed', 'POST')))
  }
  registerOpsRoutes(routes, ops)
  registerTrackerRoutes(routes)
  registerDashboardRoutes(routes, apiDeps)
  // The REST API answers its own 404/405 (JSON, under its rate limit).
  const api = registerApi(routes, apiDeps)
  routes.any('/*', (res) => sendError(res, refuse('not_found')))
  return { app, api }
}
