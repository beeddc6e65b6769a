/**
 * The REST API (`/api/*`): accounts, sites, exclusions, goals, the read routes, realtime and the
 * OpenAPI document — see ./routes/ for the table and ./handler.ts for the request pipeline.
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
import type { SseStream } from './sse.js'
import type { ApiDeps } from './types.js'

export type { ApiDeps } from './types.js'

export interface RegisteredApi {
  /** Ends every open event stream (shutdown). */
  closeStreams(): void
}

export function registerApi(app: Routes, deps: ApiDeps): RegisteredApi {
  const streams = new Set<SseStream>()
  app.any('/api/*', apiHandler(deps, new Router(apiRoutes()), streams))
  return {
    closeStreams() {
      for (const s of [...streams]) s.end()
    },
  }
}
