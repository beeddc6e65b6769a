/**
 * The catalogue of errors: every 4xx/5xx hitring answers, keyed by its stable machine-readable `code`
 * (never reused for another meaning), with its HTTP status, its human `message` and — where one applies
 * — the offending field paths and extra headers (`Retry-After`, `Allow`). Clients match on `code`, never
 * on message text. A refusal is made with `refuse(code, …args)` (./refusal.ts), whose arguments are the
 * entry's; the HTTP side only writes it (src/http/respond.ts, src/api/reply.ts).
 *
 * To add a code: one entry here (its arguments are what the message needs), then `refuse('new_code', …)`
 * where it is decided; test/error-catalogue.test.ts checks that every code thrown is in this table.
 *
 * A leaf: imports nothing of ours, so every layer — ingest, query, admin, api, http — refuses from here.
 * @module
 */

/** One offending field: a dotted path such as `props.plan`, and what is wrong with it. */
export interface FieldIssue {
  field: string
  message: string
}

/** Seconds a client is told to wait while the store cannot write (the health probe runs every second). */
export const STORAGE_RETRY_AFTER_S = 5

/** Which body an ingest or API route takes, for `unsupported_media_type`. */
export type Accepts = 'json or beacon' | 'json' | 'batch'
const ACCEPTS: Record<Accepts, string> = {
  'json or beacon':
    'the body as JSON with Content-Type: application/json (or text/plain, as navigator.sendBeacon does)',
  json: 'the body as JSON with Content-Type: application/json',
  batch: 'the batch as a JSON array (Content-Type: application/json) or NDJSON (application/x-ndjson)',
}

/**
 * How an unknown site was asked for: by the ingest routes' `site_id`; by the API's `{id}`, where a site
 * the caller has no role on answers the same, so ids are not probed; by the host of a server-side
 * item's `url`, where a site the token has no role on answers the same, so domains are not probed.
 */
export type SiteAsked = 'id' | 'id visible to you' | 'url host visible to token'

/** A refusal of the query layer (src/query): `message` is `field: detail`, the field's own message the detail alone. */
const query = {
  status: 400,
  message: (detail: string, field?: string) => (field ? `${field}: ${detail}` : detail),
  fields: (detail: string, field?: string) => (field ? [{ field, message: detail }] : undefined),
}

const retryAfter = (seconds: number) => ({ 'Retry-After': String(seconds) })

/**
 * An entry: `message` (and `fields`, `headers`) take the refusal's arguments — any arguments, hence
 * `never[]` here, which every parameter list satisfies. `fields` is left out, or answers undefined, for a
 * refusal that names no field.
 */
export interface Entry {
  status: number
  message: (...args: never[]) => string
  fields?: (...args: never[]) => FieldIssue[] | undefined
  headers?: (...args: never[]) => Record<string, string>
}

export const CATALOGUE = {
  // ── Ingest and every route ─────────────────────────────────────────────────────────────────────
  invalid_json: { status: 400, message: (detail: string) => `The request body is not valid JSON: ${detail}` },
  invalid_field: {
    status: 400,
    message: (fields: FieldIssue[]) => `${fields[0]!.field}: ${fields[0]!.message}`,
    fields: (fields: FieldIssue[]) => fields,
  },
  missing_site_id: {
    status: 400,
    message: () => 'site_id is required unless the request has an Origin header of a registered site',
    fields: () => [{ field: 'site_id', message: 'required' }],
  },
  /** RFC 9112 §6.3: the body's length is ambiguous; answered with `Connection: close` (src/http/framing.ts). */
  invalid_content_length: {
    status: 400,
    message: () =>
      'The request has more than one Content-Length header, so its body cannot be delimited; the connection is closed',
  },
  unknown_site: {
    status: 404,
    message: (asked: SiteAsked, value: string) =>
      asked === 'id'
        ? `No site has the id ${JSON.stringify(value)}`
        : asked === 'id visible to you'
          ? `No site with the id ${JSON.stringify(value)} is visible to you`
          : `No site for the host ${JSON.stringify(value)} of url is visible to this API token`,
    fields: (asked: SiteAsked) =>
      asked === 'url host visible to token'
        ? [{ field: 'url', message: 'no site for this host' }]
        : [{ field: 'site_id', message: 'unknown site' }],
  },
  not_found: { status: 404, message: () => 'No such route' },
  method_not_allowed: {
    status: 405,
    message: (allow: string) => `Use ${allow} on this route`,
    headers: (allow: string) => ({ Allow: allow }),
  },
  body_too_large: { status: 413, message: (limit: number) => `The request body is over the limit of ${limit} bytes` },
  unsupported_media_type: {
    status: 415,
    message: (accepts: Accepts, got: string) => `Send ${ACCEPTS[accepts]}; got ${JSON.stringify(got)}`,
  },
  rate_limited: {
    status: 429,
    message: (by: 'address' | 'token', retryAfterSeconds: number) =>
      `Too many requests ${by === 'address' ? 'from this address' : 'with this API token'}; ` +
      `retry in ${retryAfterSeconds} s`,
    headers: (_by: 'address' | 'token', retryAfterSeconds: number) => retryAfter(retryAfterSeconds),
  },
  ingest_queue_full: {
    status: 503,
    message: () => 'The ingest queue is full; the event was not accepted. Retry shortly.',
    headers: () => retryAfter(1),
  },
  /**
   * The store cannot write (a full disk, an I/O error, a vanished data directory: src/ops/store-health.ts):
   * refused at once rather than queued in memory for a disk that may not come back. The cause is in the
   * log and /readyz, not here: an anonymous client learns nothing about the server's disks.
   */
  storage_unavailable: {
    status: 503,
    message: () => 'The server cannot store data right now; nothing was accepted. Retry later.',
    headers: () => retryAfter(STORAGE_RETRY_AFTER_S),
  },
  shutting_down: {
    status: 503,
    message: (what: 'event' | 'request') =>
      what === 'event'
        ? 'The server is shutting down; the event was not accepted. Retry shortly.'
        : 'The server is shutting down; retry shortly',
    headers: () => ({ 'Retry-After': '1', Connection: 'close' }),
  },
  /** The server stopped before durable events were stored (src/pipeline/acks.ts). */
  not_stored: {
    status: 503,
    message: () => 'The server stopped before these events were stored; nothing was acknowledged. Retry.',
    headers: () => retryAfter(1),
  },
  /** Never for bad input: only for our own bugs and broken disks. Logged with the cause. */
  internal_error: { status: 500, message: () => 'Something went wrong on the server; it was logged' },

  // ── Server-side ingestion (/api/ingest/server/*, /api/ingest/batch) ───────────────────────────
  /** `[]`, or NDJSON of blank lines: nothing to accept or refuse item by item. */
  empty_batch: { status: 400, message: () => 'The batch has no items' },
  batch_too_large: {
    status: 413,
    message: (items: number, limit: number) => `A batch holds at most ${limit} items; this one has ${items}`,
  },

  // ── REST API (/api/*) ─────────────────────────────────────────────────────────────────────────
  unauthorized: {
    status: 401,
    message: (needs: 'sign-in or token' | 'token') =>
      needs === 'token'
        ? 'Send an API client token: Authorization: Bearer <token> or X-Api-Key: <token>'
        : 'Sign in (the hk_token cookie from POST /api/login) or send an API token ' +
          '(Authorization: Bearer … or X-Api-Key)',
  },
  /** One message for an unknown e-mail and a wrong password: the answer must not tell which. */
  invalid_credentials: { status: 401, message: () => 'Invalid email or password' },
  forbidden: { status: 403, message: (needed: string) => `This needs at least the ${needed} role on the site` },
  session_required: {
    status: 403,
    message: () => 'Sign in with a password for this: API tokens cannot manage accounts, tokens or sites',
  },
  cross_site_request: { status: 403, message: (why: string) => `Refused a cross-site request: ${why}` },
  /** The first user needs the one-time token of the set-up link that only the server's operator sees. */
  invalid_setup_token: {
    status: 403,
    message: (missing: boolean) =>
      (missing
        ? 'Creating the first account needs the set-up token'
        : 'This set-up token is wrong or no longer valid') +
      ": open the set-up link printed in the server's start-up log (dashboard: …/setup?token=…), " +
      'or run `hitring setup-url` for a new one',
    fields: (missing: boolean) => [
      { field: 'setup_token', message: missing ? 'required' : 'wrong or no longer valid' },
    ],
  },
  unknown_goal: {
    status: 404,
    message: (goalId: string) => `The site has no goal with the id ${JSON.stringify(goalId)}`,
    fields: () => [{ field: 'goal_id', message: 'unknown goal' }],
  },
  unknown_api_client: {
    status: 404,
    message: (clientId: string) => `You have no API client with the id ${JSON.stringify(clientId)}`,
    fields: () => [{ field: 'client_id', message: 'unknown API client' }],
  },
  /** Sharing a site names an existing account: users are created with `hitring user add` (or the first-user set-up). */
  unknown_user: {
    status: 404,
    message: (email: string) => `No user has the e-mail ${JSON.stringify(email)}; create one with hitring user add`,
    fields: () => [{ field: 'email', message: 'no such user' }],
  },
  unknown_member: {
    status: 404,
    message: (userId: string) => `The user ${JSON.stringify(userId)} has no role on the site`,
    fields: () => [{ field: 'user_id', message: 'not a member' }],
  },
  setup_complete: { status: 409, message: () => 'The first user exists already; sign in with POST /api/login' },
  /** A site always keeps one owner: only an owner may share, re-zone or delete it. */
  last_owner: {
    status: 409,
    message: () => 'This is the last owner of the site: make another member owner first (or delete the site)',
  },
  duplicate_domain: {
    status: 409,
    message: (domain: string) => `A site for ${domain} exists already`,
    fields: () => [{ field: 'domain', message: 'exists already' }],
  },
  duplicate_email: {
    status: 409,
    message: (email: string) => `A user with the e-mail ${email} exists already`,
    fields: () => [{ field: 'email', message: 'exists already' }],
  },
  /** Open event streams are capped per user and per client IP (-stream-max-per-user, -stream-max-per-ip). */
  too_many_streams: {
    status: 429,
    message: (per: 'user' | 'client IP', limit: number, flag: string, _retryAfterSeconds: number) =>
      `At most ${limit} event streams may be open per ${per} (${flag}); close one and retry`,
    headers: (_per: 'user' | 'client IP', _limit: number, _flag: string, retryAfterSeconds: number) =>
      retryAfter(retryAfterSeconds),
  },

  // ── The read API's refusals (src/query): a malformed parameter, or one the rollups cannot answer exactly ──
  /** from, to, tz, interval, limit, compare: not a date / RFC 3339 instant / IANA zone / enum / integer in range. */
  invalid_parameter: query,
  /** from is after to. */
  invalid_range: query,
  /** Over ten years, over 4,000 chart points, or over 9,000 quarter-hours read. */
  range_too_large: query,
  /** filter: not `type:value`, or a type nobody knows. */
  invalid_filter: query,
  /** filter: a known type this answer cannot apply exactly. */
  unsupported_filter: query,
  /** from, to, tz: the answer needs a breakdown cut inside a day, which is kept per day only. */
  unsupported_range: query,
} satisfies Record<string, Entry>

export type Catalogue = typeof CATALOGUE
/** Every code hitring answers: a closed list. */
export type ErrorCode = keyof Catalogue
/** The codes of the read API's refusals (src/query). */
export type QueryErrorCode = { [C in ErrorCode]: Catalogue[C] extends typeof query ? C : never }[ErrorCode]
/** The arguments a code's refusal is made with. */
export type RefusalArgs<C extends ErrorCode> = Parameters<Catalogue[C]['message']>
