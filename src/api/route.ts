/**
 * `route({...})`: declares one API route with its schemas, so the handler's `params`, `query` and
 * `body` are typed from the very schemas that validate them (and document them in OpenAPI).
 * @module
 */
import type { z } from 'zod'
import type { RouteDef } from './types.js'

export function route<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
>(def: RouteDef<P, Q, B>): RouteDef {
  return def as unknown as RouteDef
}
