/**
 * The REST API (`/api/*`): accounts, sites, exclusions, goals, the read routes, realtime and the
 * OpenAPI document — see ./routes/ for the table, ./handler.ts for the request pipeline and
 * ./streams.ts for the open event streams (capped, and ended when their caller loses access).
 *
 * @example
 * ```ts
 * const api = registerApi(app, deps)   // before the app's catch-all route
 * // at shutdown, before closing the app:
 * api.closeStreams()
 * ```
 * @module
 */
import type { Routes } from '../http/framing.js'
import { apiHandler } from './handler.js'
import { Router } from './router.js'
import { apiRoutes } from './routes/index.js'
import { revokingWrites } from './revocation.js'
import { StreamRegistry } from './streams.js'
import type { ApiDeps } from './types.js'

export type { ApiDeps } from './types.js'

export interface RegisteredApi {
  /** Ends every open event stream (shutdown). */
  closeStreams(): void
}

export function registerApi(app: Routes, deps: ApiDeps): RegisteredApi {
  const streams = new StreamRegistry(deps.streamCaps, deps.logger)
  // The routes' writes re-check the open streams after any op that can take access away.
  const routeDeps: ApiDeps = { ...deps, write: revokingWrites(deps.write, streams) }
  app.any('/api/*', apiHandler(routeDeps, new Router(apiRoutes()), streams))
  return {
    closeStreams() {
      streams.closeAll()
    },
  }
}
