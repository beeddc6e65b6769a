/**
 * Who is calling: a signed-in user (login-session cookie) or an API client (token). Resolved by the REST
 * API (src/api/access.ts) and by the server-ingest routes' token check (src/http/token-auth.ts).
 * @module
 */
import type { UserRecord } from './users.js'
import type { LoginSession } from './login-sessions.js'
import type { ApiClientRecord } from './api-clients.js'

/** Who is calling: a signed-in user (cookie) or an API client (token). */
export type Principal =
  | { kind: 'session'; user: UserRecord; session: LoginSession; tokenHash: string }
  | { kind: 'token'; user: UserRecord; client: ApiClientRecord }
