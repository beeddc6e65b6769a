/**
 * `siteRoute({...})`: declares a route on one site, `/api/sites/:id/…`, with the preamble every such
 * handler shares done once before it: the site of `:id` and the caller's role on it, at least `role`
 * (./access.ts {@link siteFor}: 404 `unknown_site` when the caller has no role on it, so ids cannot be
 * probed; 403 when the role is too small). The handler receives `site` and `role` with the rest of its
 * call; path, query and body are validated before, as for every route (./handler.ts).
 * @module
 */
import type { z } from 'zod'
import type { Role } from '../accounts/roles.js'
import type { SiteRecord } from '../store/index.js'
import { siteFor } from './access.js'
import { route } from './route.js'
import type { Call, Reply, RouteDef } from './types.js'

/** A site route's call: the caller's site and role on it besides the validated request. */
// biome-ignore lint/suspicious/noExplicitAny: as Call's: the route's zod schemas give the types; `any` is the default
export interface SiteCall<P = any, Q = any, B = any> extends Call<P, Q, B> {
  site: SiteRecord
  role: Role
}

type SiteParams = z.ZodType<{ id: string }>

type Declared<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> = Omit<RouteDef<P, Q, B>, 'handle'>

export type SiteRouteDef<P extends SiteParams, Q extends z.ZodType, B extends z.ZodType> = Declared<P, Q, B> & {
  /** The least role the caller needs on the site (a function when it depends on the request). */
  role: Role | ((call: Call<z.output<P>, z.output<Q>, z.output<B>>) => Role)
  handle(call: SiteCall<z.output<P>, z.output<Q>, z.output<B>>): Promise<Reply> | Reply
}

export function siteRoute<P extends SiteParams, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType>(
  def: SiteRouteDef<P, Q, B>,
): RouteDef {
  const { role: needed, handle, ...rest } = def
  return route<P, Q, B>({
    ...rest,
    handle(call) {
      const least = typeof needed === 'function' ? needed(call) : needed
      const { site, role } = siteFor(call.deps.store, call.principal, call.params.id, least)
      return handle({ ...call, site, role })
    },
  })
}
