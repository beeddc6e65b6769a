/**
 * The REST API's answers as the dashboard reads them. The read API's types come from its own zod schemas
 * (src/query/schemas.ts, type-only: nothing of zod reaches the bundle); the account and site shapes are
 * written out from src/api/schemas.ts, whose module also pulls in Node code.
 * @module
 */
import type { z } from 'zod'
import type {
  eventPropertyKeysResponseSchema,
  eventPropertyValuesResponseSchema,
  eventTimeseriesResponseSchema,
  goalsTimeseriesResponseSchema,
} from '../query/schemas.js'

export type { StatsResponse, Kpis, GoalStats, AnyGoal, EventRow, DropsResponse } from '../query/schemas.js'
export type GoalPoint = z.infer<typeof goalsTimeseriesResponseSchema>[number]
export type EventPoint = z.infer<typeof eventTimeseriesResponseSchema>[number]
export type PropertyKey_ = z.infer<typeof eventPropertyKeysResponseSchema>[number]
export type PropertyValue = z.infer<typeof eventPropertyValuesResponseSchema>[number]

export type Role = 'owner' | 'editor' | 'viewer'

export interface User {
  id: string
  email: string
  created_at: string
  instance_owner: boolean
  auth?: { kind: 'session' | 'api_client'; expires_at?: string }
}

export interface Site {
  id: string
  domain: string
  timezone: string
  created_at: string
  role: Role
}

/** The API's goal, as the server defines it (a type-only import: nothing of the server is bundled). */
export type { Goal } from '../goals/goal.js'

export interface Exclusions {
  excluded_ips: string[]
  allowed_hostnames: string[]
}

/** A person with a role on a site (`GET /api/sites/{id}/members`). */
export interface Member {
  user_id: string
  email: string
  role: Role
}

export interface ApiClient {
  id: string
  name: string
  site_roles: { site_id: string; role: Role }[]
  created_at: string
}

/** Every refusal of the API: `{code, message, field?, fields?}`. */
export interface ErrorBody {
  code: string
  message: string
  field?: string
  fields?: { field: string; message: string }[]
}
