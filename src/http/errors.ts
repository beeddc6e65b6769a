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
  shuttingDown: () => ({
    ...make(503, 'shutting_down', 'The server is shutting down; the event was not accepted. Retry shortly.'),
    headers: { 'Retry-After': '1', Connection: 'close' },
  }),
} as const

export type ErrorCode = ReturnType<(typeof Errors)[keyof typeof Errors]>['body']['code']
