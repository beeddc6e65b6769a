/**
 * The catalogue of HTTP errors. Every 4xx/5xx answer hitring gives is built here, so each has a stable
 * machine-readable `code` (never reused for another meaning), a human `message`, and — for validation
 * failures — the offending field paths. Clients match on `code`, never on message text.
 * @module
 */

/** One offending field: a dotted path such as `props.plan`, and what is wrong with it. */
export interface FieldIssue {
  field: string
  message: string
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  code: string
  message: string
  /** The first offending field, for clients that show one. */
  field?: string
  /** Every offending field. */
  fields?: FieldIssue[]
}

export interface HttpError {
  status: number
  body: ErrorBody
  /** Extra headers, such as `Retry-After`. */
  headers?: Record<string, string>
}

/** Seconds a client is told to wait while the store cannot write (the health probe runs every second). */
export const STORAGE_RETRY_AFTER_S = 5

function make(status: number, code: string, message: string, fields?: FieldIssue[]): HttpError {
  const body: ErrorBody = { code, message }
  if (fields && fields.length > 0) {
    body.field = fields[0]!.field
    body.fields = fields
  }
  return { status, body }
}

export const Errors = {
  invalidJson: (detail: string) =>
    make(400, 'invalid_json', `The request body is not valid JSON: ${detail}`),
  validation: (fields: FieldIssue[]) =>
    make(400, 'invalid_field', `${fields[0]!.field}: ${fields[0]!.message}`, fields),
  missingSite: () =>
    make(400, 'missing_site_id', 'site_id is required unless the request has an Origin header of a registered site', [
      { field: 'site_id', message: 'required' },
    ]),
  unknownSite: (siteId: string) =>
    make(404, 'unknown_site', `No site has the id ${JSON.stringify(siteId)}`, [{ field: 'site_id', message: 'unknown site' }]),
  notFound: () => make(404, 'not_found', 'No such route'),
  methodNotAllowed: (allow: string) => ({
    ...make(405, 'method_not_allowed', `Use ${allow} on this route`),
    headers: { Allow: allow },
  }),
  /** RFC 9112 §6.3: the body's length is ambiguous; answered with `Connection: close` (src/http/framing.ts). */
  repeatedContentLength: () =>
    make(400, 'invalid_content_length', 'The request has more than one Content-Length header, so its body cannot be delimited; the connection is closed'),
  bodyTooLarge: (limit: number) =>
    make(413, 'body_too_large', `The request body is over the limit of ${limit} bytes`),
  unsupportedMediaType: (got: string) =>
    make(
      415,
      'unsupported_media_type',
      `Send the body as JSON with Content-Type: application/json (or text/plain, as navigator.sendBeacon does); got ${JSON.stringify(got)}`,
    ),
  rateLimited: (retryAfterSeconds: number) => ({
    ...make(429, 'rate_limited', `Too many requests from this address; retry in ${retryAfterSeconds} s`),
    headers: { 'Retry-After': String(retryAfterSeconds) },
  }),
  ringFull: () => ({
    ...make(503, 'ingest_queue_full', 'The ingest queue is full; the event was not accepted. Retry shortly.'),
    headers: { 'Retry-After': '1' },
  }),
  /**
   * The store cannot write (a full disk, an I/O error, a vanished data directory: src/ops/store-health.ts):
   * refused at once rather than queued in memory for a disk that may not come back. The cause is in the
   * log and /readyz, not here: an anonymous client learns nothing about the server's disks.
   */
  storageUnavailable: () => ({
    ...make(503, 'storage_unavailable', 'The server cannot store data right now; nothing was accepted. Retry later.'),
    headers: { 'Retry-After': String(STORAGE_RETRY_AFTER_S) },
  }),
  shuttingDown: () => ({
    ...make(503, 'shutting_down', 'The server is shutting down; the event was not accepted. Retry shortly.'),
    headers: { 'Retry-After': '1', Connection: 'close' },
  }),

  // ── REST API (/api/*) ──────────────────────────────────────────────────────────────────────────
  unauthorized: () =>
    make(401, 'unauthorized', 'Sign in (the hk_token cookie from POST /api/login) or send an API token (Authorization: Bearer … or X-Api-Key)'),
  /** One message for an unknown e-mail and a wrong password: the answer must not tell which. */
  invalidCredentials: () => make(401, 'invalid_credentials', 'Invalid email or password'),
  forbidden: (needed: string) => make(403, 'forbidden', `This needs at least the ${needed} role on the site`),
  sessionRequired: () =>
    make(403, 'session_required', 'Sign in with a password for this: API tokens cannot manage accounts, tokens or sites'),
  crossSite: (why: string) => make(403, 'cross_site_request', `Refused a cross-site request: ${why}`),
  /** A site id that does not exist or that the caller has no role on: the same answer, so ids are not probed. */
  unknownSiteFor: (siteId: string) =>
    make(404, 'unknown_site', `No site with the id ${JSON.stringify(siteId)} is visible to you`, [{ field: 'site_id', message: 'unknown site' }]),
  unknownGoal: (goalId: string) =>
    make(404, 'unknown_goal', `The site has no goal with the id ${JSON.stringify(goalId)}`, [{ field: 'goal_id', message: 'unknown goal' }]),
  unknownApiClient: (clientId: string) =>
    make(404, 'unknown_api_client', `You have no API client with the id ${JSON.stringify(clientId)}`, [{ field: 'client_id', message: 'unknown API client' }]),
  /** Sharing a site names an existing account: users are created with `hitring user add` (or the first-user set-up). */
  unknownUser: (email: string) =>
    make(404, 'unknown_user', `No user has the e-mail ${JSON.stringify(email)}; create one with hitring user add`, [{ field: 'email', message: 'no such user' }]),
  unknownMember: (userId: string) =>
    make(404, 'unknown_member', `The user ${JSON.stringify(userId)} has no role on the site`, [{ field: 'user_id', message: 'not a member' }]),
  setupComplete: () => make(409, 'setup_complete', 'The first user exists already; sign in with POST /api/login'),
  /** The first user needs the one-time token of the set-up link that only the server's operator sees. */
  invalidSetupToken: (missing: boolean) =>
    make(
      403,
      'invalid_setup_token',
      `${missing ? 'Creating the first account needs the set-up token' : 'This set-up token is wrong or no longer valid'}: open the set-up link ` +
        "printed in the server's start-up log (dashboard: …/setup?token=…), or run `hitring setup-url` for a new one",
      [{ field: 'setup_token', message: missing ? 'required' : 'wrong or no longer valid' }],
    ),
  /** A site always keeps one owner: only an owner may share, re-zone or delete it. */
  lastOwner: () =>
    make(409, 'last_owner', 'This is the last owner of the site: make another member owner first (or delete the site)'),
  duplicateDomain: (domain: string) =>
    make(409, 'duplicate_domain', `A site for ${domain} exists already`, [{ field: 'domain', message: 'exists already' }]),
  duplicateEmail: (email: string) =>
    make(409, 'duplicate_email', `A user with the e-mail ${email} exists already`, [{ field: 'email', message: 'exists already' }]),
  /**
   * A refusal of the query layer (src/query): its own stable code, such as `invalid_range`. Shaped like
   * `validation`: `message` is `field: detail`, and the field's own message the detail alone.
   */
  invalidQuery: (code: string, detail: string, field?: string) =>
    make(400, code, field ? `${field}: ${detail}` : detail, field ? [{ field, message: detail }] : undefined),
  apiMediaType: (got: string) =>
    make(415, 'unsupported_media_type', `Send the body as JSON with Content-Type: application/json; got ${JSON.stringify(got)}`),
  /** Open event streams are capped per user and per client IP (-stream-max-per-user, -stream-max-per-ip). */
  tooManyStreams: (per: 'user' | 'client IP', limit: number, flag: string, retryAfterSeconds: number) => ({
    ...make(429, 'too_many_streams', `At most ${limit} event streams may be open per ${per} (${flag}); close one and retry`),
    headers: { 'Retry-After': String(retryAfterSeconds) },
  }),
  apiShuttingDown: () => ({
    ...make(503, 'shutting_down', 'The server is shutting down; retry shortly'),
    headers: { 'Retry-After': '1', Connection: 'close' },
  }),
  // ── Server-side ingestion (/api/ingest/server/*, /api/ingest/batch) ─────────────────────────────
  tokenRequired: () =>
    make(401, 'unauthorized', 'Send an API client token: Authorization: Bearer <token> or X-Api-Key: <token>'),
  tokenRateLimited: (retryAfterSeconds: number) => ({
    ...make(429, 'rate_limited', `Too many requests with this API token; retry in ${retryAfterSeconds} s`),
    headers: { 'Retry-After': String(retryAfterSeconds) },
  }),
  /** A host with no site, or whose site the token has no role on: the same answer, so domains are not probed. */
  unknownSiteForUrl: (host: string) =>
    make(404, 'unknown_site', `No site for the host ${JSON.stringify(host)} of url is visible to this API token`, [{ field: 'url', message: 'no site for this host' }]),
  /** `[]`, or NDJSON of blank lines: nothing to accept or refuse item by item. */
  emptyBatch: () => make(400, 'empty_batch', 'The batch has no items'),
  batchTooLarge: (items: number, limit: number) =>
    make(413, 'batch_too_large', `A batch holds at most ${limit} items; this one has ${items}`),
  batchMediaType: (got: string) =>
    make(
      415,
      'unsupported_media_type',
      `Send the batch as a JSON array (Content-Type: application/json) or NDJSON (application/x-ndjson); got ${JSON.stringify(got)}`,
    ),
  notStored: () => ({
    ...make(503, 'not_stored', 'The server stopped before these events were stored; nothing was acknowledged. Retry.'),
    headers: { 'Retry-After': '1' },
  }),
  /** Never for bad input: only for our own bugs and broken disks. Logged with the cause. */
  internal: () => make(500, 'internal_error', 'Something went wrong on the server; it was logged'),
} as const

export type ErrorCode = ReturnType<(typeof Errors)[keyof typeof Errors]>['body']['code']
