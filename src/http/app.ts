/**
 * The uWebSockets.js application: every route and what answers a wrong method or an unknown path —
 * ingest, operations, and the REST API under `/api/` (src/api/).
 * @module
 */
import { uws, type TemplatedApp } from '../native/uws.js'
import { EventKind } from '../ingest/payload.js'
import { Errors } from './errors.js'
import { ingestHandler, type IngestContext } from './ingest-route.js'
import { preflightHandler } from './respond.js'
import { registerOpsRoutes, type OpsContext } from './ops-routes.js'
import { serverIngestHandler, type ServerIngestContext } from './server-ingest-route.js'
import { registerTrackerRoutes } from './tracker-route.js'
import { registerDashboardRoutes } from './dashboard-route.js'
import { sendError } from './respond.js'
import { registerApi, type ApiDeps, type RegisteredApi } from '../api/index.js'

export function createApp(
  ingest: IngestContext,
  ops: OpsContext,
  apiDeps: ApiDeps,
  serverIngest: ServerIngestContext,
): { app: TemplatedApp; api: RegisteredApi } {
  const app = uws.App()
  for (const [path, kind] of [
    ['/ingest/event', EventKind.Custom],
    ['/ingest', EventKind.Pageview],
  ] as const) {
    app.post(path, ingestHandler(ingest, kind))
    app.options(path, preflightHandler)
    app.any(path, (res, req) => {
      const origin = req.getHeader('origin')
      ingest.metrics.rejected.inc({ code: 'method_not_allowed' })
      sendError(res, Errors.methodNotAllowed('POST, OPTIONS'), origin)
    })
  }
  // Server-side ingestion: static paths, matched before the API's /api/* wildcard.
  for (const [path, route] of [
    ['/api/ingest/server/pageview', 'pageview'],
    ['/api/ingest/server/event', 'event'],
    ['/api/ingest/batch', 'batch'],
  ] as const) {
    app.post(path, serverIngestHandler(serverIngest, route))
    app.any(path, (res) => sendError(res, Errors.methodNotAllowed('POST')))
  }
  registerOpsRoutes(app, ops)
  registerTrackerRoutes(app)
  registerDashboardRoutes(app, apiDeps)
  // The REST API answers its own 404/405 (JSON, under its rate limit).
  const api = registerApi(app, apiDeps)
  app.any('/*', (res) => sendError(res, Errors.notFound()))
  return { app, api }
}
