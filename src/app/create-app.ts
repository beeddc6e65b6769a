/**
 * The uWebSockets.js application: every route and what answers a wrong method or an unknown path —
 * ingest and operations (src/http/), the REST API under `/api/` (src/api/) and the dashboard
 * (./dashboard-route.ts). Every answer carries the security headers of src/http/security-headers.ts,
 * and every request with a repeated Content-Length is refused (src/http/framing.ts): by the browser
 * ingest handlers in their own header walk, by a guard around the others. Every route but the browser
 * ingest POSTs is registered through src/http/head.ts, so an answer to HEAD — a 404, a 405, an API
 * error — has its headers and no body.
 *
 * The composition: it wires the REST API into the HTTP front end, so it sits above both (http/ imports
 * nothing of api/). It takes one {@link AppContext}, which src/server.ts fills once; each route reads
 * the fields it declares (an ingest route's context is a part of it, by the same names).
 * @module
 */
import { uws, type TemplatedApp } from '../native/uws.js'
import { EventKind } from '../ingest/index.js'
import { refuse } from '../errors/index.js'
import { framedRoutes } from '../http/framing.js'
import { headAware } from '../http/head.js'
import { ingestHandler, type IngestContext } from '../http/ingest-route.js'
import { registerOpsRoutes, type OpsContext } from '../http/ops-routes.js'
import { serverIngestHandler, type ServerIngestContext } from '../http/server-ingest-route.js'
import { registerTrackerRoutes } from '../http/tracker-route.js'
import { preflightHandler, sendError } from '../http/respond.js'
import { configureSecurityHeaders } from '../http/security-headers.js'
import { registerApi, type ApiDeps, type RegisteredApi } from '../api/index.js'
import { registerDashboardRoutes } from './dashboard-route.js'

/**
 * Everything the routes need, once: the browser ingest routes', the server-ingest routes', the
 * operations routes' and the REST API's (with the dashboard's) contexts in one object. A field they
 * share (`store`, `sites`, `rings`, `metrics`, `acks`, `trustedProxies`, `isClosing`, `now`…) means
 * the same to each; the rate limiters are told apart by name in `limiters`.
 */
export type AppContext = IngestContext & ServerIngestContext & OpsContext & ApiDeps

export function createApp(ctx: AppContext): { app: TemplatedApp; api: RegisteredApi } {
  // The scheme and host of the public URL are final now; only the default URL's port is learnt at listen.
  configureSecurityHeaders(ctx.publicUrl())
  const app = uws.App()
  // HEAD is marked first, so the framing guard's own refusal has no body either.
  const routes = framedRoutes(headAware(app), (res) => {
    ctx.metrics.rejected.inc({ code: 'invalid_content_length' })
    sendError(res, refuse('invalid_content_length'), '', true)
  })
  for (const [path, kind] of [
    ['/ingest/event', EventKind.Custom],
    ['/ingest', EventKind.Pageview],
  ] as const) {
    app.post(path, ingestHandler(ctx, kind)) // the hot path checks framing in its own header walk
    routes.options(path, preflightHandler)
    routes.any(path, (res, req) => {
      const origin = req.getHeader('origin')
      ctx.metrics.rejected.inc({ code: 'method_not_allowed' })
      sendError(res, refuse('method_not_allowed', 'POST, OPTIONS'), origin)
    })
  }
  // Server-side ingestion: static paths, matched before the API's /api/* wildcard.
  for (const [path, route] of [
    ['/api/ingest/server/pageview', 'pageview'],
    ['/api/ingest/server/event', 'event'],
    ['/api/ingest/batch', 'batch'],
  ] as const) {
    routes.post(path, serverIngestHandler(ctx, route))
    routes.any(path, (res) => sendError(res, refuse('method_not_allowed', 'POST')))
  }
  registerOpsRoutes(routes, ctx)
  registerTrackerRoutes(routes)
  registerDashboardRoutes(routes, ctx)
  // The REST API answers its own 404/405 (JSON, under its rate limit).
  const api = registerApi(routes, ctx)
  routes.any('/*', (res) => sendError(res, refuse('not_found')))
  return { app, api }
}
