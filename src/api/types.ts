/**
 * The shapes of the REST API layer: what a route declares (./route.ts), what its handler receives and
 * what it answers.
 * @module
 */
import type { z } from 'zod'
import type { Store } from '../store/index.js'
import type { RateLimiter } from '../limiter/index.js'
import type { CidrSet } from '../net/ip.js'
import type { RealtimeHub } from '../realtime/hub.js'
import type { Logger } from '../ops/logger.js'
import type { AdminWrite } from '../admin/writer.js'
import type { Principal } from '../accounts/principal.js'
import type { SseStream } from './sse.js'
import type { StreamCaps, StreamOwner } from './streams.js'

/** What the API needs from the server, handed over once by src/server.ts. */
export interface ApiDeps {
  /** Main-thread reads only. Every write goes through `write` (a drain worker). */
  store: Store
  write: AdminWrite
  limiters: { api: RateLimiter; auth: RateLimiter }
  trustedProxies: CidrSet
  /** The public URL (origin for CSRF checks, `Secure` cookies); known once the port is bound. */
  publicUrl(): string
  /**
   * Whether -public-url was given. Without it, the CSRF check takes the origin each request reached
   * (./csrf.ts), and the dashboard's snippet the address it was opened at.
   */
  publicUrlConfigured: boolean
  sessionMs: number
  rememberMeMs: number
  /** Caps on open event streams per user and per client IP (./streams.ts). */
  streamCaps: StreamCaps
  hub: RealtimeHub
  logger: Logger
  now(): number
  isClosing(): boolean
}

export type { Principal }

/** What a handler receives: validated params, query and body, and the caller. */
// biome-ignore lint/suspicious/noExplicitAny: a route's zod schemas give the types; `any` is the untyped default
export interface Call<P = any, Q = any, B = any> {
  params: P
  query: Q
  body: B
  /** Null only on public routes. */
  principal: Principal | null
  deps: ApiDeps
}

export interface JsonReply {
  status: number
  /** JSON-encoded; left out for 204. */
  body?: unknown
  headers?: Record<string, string>
}

/**
 * A long-lived answer (Server-Sent Events): the route takes the stream over once the headers are sent.
 * `watcher` is who watches which site, for the caps and for revocation (./streams.ts).
 */
export interface StreamReply {
  watcher: Omit<StreamOwner, 'ip'>
  stream(sse: SseStream): void
}

export type Reply = JsonReply | StreamReply

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'

/** Who may call a route: anyone, only a signed-in user (cookie), or a user or an API client. */
export type Access = 'public' | 'session' | 'any'

export interface RouteDef<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: Method
  /** `/api/sites/:id/goals/:goal_id`: `:name` segments are path parameters. */
  path: string
  summary: string
  tag: string
  access: Access
  /** Which per-IP limiter counts the request. */
  limit: 'api' | 'auth' | 'none'
  params?: P
  query?: Q
  body?: B
  /** For the OpenAPI document: status → description, body schema and headers (name → description). */
  responses: Record<
    number,
    { description: string; schema?: z.ZodType; contentType?: string; headers?: Record<string, string> }
  >
  handle(call: Call<z.output<P>, z.output<Q>, z.output<B>>): Promise<Reply> | Reply
}
