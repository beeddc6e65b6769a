/**
 * The OpenAPI description of server-side ingestion: `POST /api/ingest/server/pageview`, `/event` and
 * `POST /api/ingest/batch`. These routes are served on the HTTP thread by src/http/server-ingest-route.ts,
 * not by the /api router, and validated by hand for speed (src/ingest/server-payload.ts, like the browser
 * payload — see src/ingest/payload.ts for why not zod). The zod schemas here only document that
 * validation: they are built from the event's field table (src/event/fields.ts: type, limits,
 * description of each field the server bodies take); test/api-openapi.test.ts sends the documented examples to a real
 * server and checks that every documented required field and limit is exactly what it enforces.
 * @module
 */
import { z } from 'zod'
import { Limits, LANGUAGE_TAG, PAYLOAD_FIELDS, RFC3339, type PayloadField } from '../event/index.js'
import { SERVER_DROP_REASONS } from '../http/filters.js'

type Json = Record<string, unknown>
export type ToJsonSchema = (schema: z.ZodType, io: 'input' | 'output') => Json

const propValue = z.union([z.string().max(Limits.propValueBytes), z.number(), z.boolean()])

/** The zod schema that documents one field of the table (src/event/fields.ts), without its description. */
function typeOf(f: PayloadField): z.ZodType {
  switch (f.type) {
    case 'url':
      return z.url({ protocol: /^https?$/ }).max(f.max ?? Infinity)
    case 'date-time':
      return z.string().regex(RFC3339).meta({ format: 'date-time' })
    case 'uuid':
      return z.guid()
    case 'boolean':
      return z.boolean()
    case 'whole':
      return z
        .number()
        .int()
        .min(f.min ?? 0)
        .max(f.max ?? Infinity)
    case 'props':
      return z.record(z.string().max(Limits.propKeyBytes), propValue).meta({ maxProperties: Limits.propsKeys })
    case 'name':
      return z
        .string()
        .trim()
        .min(f.min ?? 1)
        .max(f.max ?? Infinity)
    case 'language':
      return z
        .string()
        .regex(LANGUAGE_TAG)
        .max(f.max ?? Infinity)
    default: {
      let s = z.string()
      if (f.min !== undefined) s = s.min(f.min)
      if (f.max !== undefined) s = s.max(f.max)
      return s
    }
  }
}

/** The field as a server item documents it: required ones as they are, optional ones also null. */
function fieldSchema(f: PayloadField): z.ZodType {
  const t = typeOf(f)
  return (f.required === undefined ? t.nullable().optional() : t).describe(f.doc)
}

const SERVER_FIELDS = (PAYLOAD_FIELDS as readonly PayloadField[]).filter((f) => f.bodies.includes('server'))
const shapeOf = (fields: readonly PayloadField[]) => Object.fromEntries(fields.map((f) => [f.json, fieldSchema(f)]))

const pageview = z.object(shapeOf(SERVER_FIELDS.filter((f) => !f.eventsOnly)))
const event = z.object(shapeOf(SERVER_FIELDS))
const eventName = fieldSchema(SERVER_FIELDS.find((f) => f.json === 'name')!)
const batchItem = event.extend({
  type: z
    .enum(['event', 'pageview'])
    .optional()
    .describe('Without it, an item with a name is an event and one without is a pageview'),
  name: (eventName as z.ZodString).optional().describe('Required for events'),
})

export const serverPageviewSchema = pageview.describe('A pageview sent by your backend. Unknown fields are ignored.')
export const serverEventSchema = event.describe('A custom event sent by your backend. Unknown fields are ignored.')
export const batchBodySchema = z
  .array(batchItem)
  .min(1)
  .describe('1 to -batch-max-items items (default 10,000), up to -batch-max-bytes (default 5 MiB)')

const index = z.number().int().min(0)
const itemError = z.object({ index, code: z.string(), message: z.string(), field: z.string().optional() })
export const batchAnswerSchema = z
  .object({
    accepted: z
      .number()
      .int()
      .min(0)
      .describe('Items acknowledged by this request: put in the ring, or dropped on purpose (also listed in dropped)'),
    rejected: z
      .array(itemError)
      .describe(
        'Items refused, with the code of the single-item routes: invalid_field, unknown_site, forbidden, or ' +
          'ingest_queue_full (retry those)',
      ),
    duplicates: z
      .array(index)
      .describe(
        'Indexes of items whose id was accepted (stored or dropped) for the site in the last 24 hours: not ' +
          'counted again',
      ),
    dropped: z
      .array(z.object({ index, reason: z.enum(SERVER_DROP_REASONS) }))
      .describe(
        "Items acknowledged but deliberately not stored, with the reason; counted in /metrics and the site's " +
          'dropped figures',
      ),
  })
  .describe('Every item of the batch, by its index')

const EXAMPLE_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'
const pageviewExample = {
  url: 'https://example.com/pricing',
  timestamp: '2026-11-26T08:00:00Z',
  visitor_ip: '198.51.100.7',
  user_agent: EXAMPLE_UA,
  referrer: 'https://www.google.com/',
}
const eventExample = {
  ...pageviewExample,
  url: 'https://example.com/checkout/success',
  name: 'purchase',
  props: { plan: 'pro', amount: 49 },
}
const batchExample = [
  { ...pageviewExample, type: 'pageview', id: 'view-7f3a' },
  { ...eventExample, type: 'event', id: 'order-1001' },
]

const ACK_HEADER: Json = {
  name: 'X-Hitring-Ack',
  in: 'header',
  required: false,
  description:
    'durable: answer 202 only once the LMDB transaction holding the stored items has committed and been flushed ' +
    "(503 not_stored if the server stops first); otherwise the server's -ingest-ack mode (fast by default: once " +
    'in the ring). Dropped items are answered without waiting.',
  schema: { type: 'string', enum: ['durable'] },
}
const RETRY_AFTER: Json = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
}

const COMMON_ERRORS: Record<number, string> = {
  401:
    'No valid API client token (`unauthorized`): send Authorization: Bearer <token> or X-Api-Key; session ' +
    'cookies are not accepted here',
  429: 'Over the per-token limit (`rate_limited`, -server-ingest-rate / -server-ingest-burst); see Retry-After',
  503:
    '`shutting_down`, `ingest_queue_full` (retry shortly) or, with durable acknowledgement, `not_stored` (the ' +
    'server stopped before storing: nothing was acknowledged); see Retry-After',
}
const SINGLE_ERRORS: Record<number, string> = {
  400: 'Invalid item: `invalid_field` (every offending field in `fields`) or `invalid_json`',
  ...COMMON_ERRORS,
  403: "The token's role on the URL's site is viewer: below editor (`forbidden`)",
  404: 'No site for the host of `url`, or one the token has no role on: the same answer (`unknown_site`)',
  413: `Body over ${Limits.bodyBytes / 1024} KiB (\`body_too_large\`)`,
  415: 'Body not application/json (`unsupported_media_type`)',
}
const BATCH_ERRORS: Record<number, string> = {
  400:
    'Every item was refused (the batch answer, nothing accepted), the batch has no items (`empty_batch`: `[]`, ' +
    'or NDJSON of blank lines), or the body is not a JSON array / NDJSON (`invalid_json` with the line, ' +
    '`invalid_field`)',
  ...COMMON_ERRORS,
  413:
    'Over -batch-max-bytes (`body_too_large`, default 5 MiB) or -batch-max-items (`batch_too_large`, default ' +
    '10,000 items)',
  415: 'Body neither application/json nor application/x-ndjson (`unsupported_media_type`)',
}

const ERROR_REF = { $ref: '#/components/schemas/Error' }
const ANSWER_REF = { $ref: '#/components/schemas/BatchAnswer' }

function errorResponses(errors: Record<number, string>, batch: boolean): Json {
  const out: Json = {}
  for (const [status, description] of Object.entries(errors)) {
    // A batch whose items were all refused answers 400 with the batch answer, not the error body.
    const schema = batch && status === '400' ? { oneOf: [ERROR_REF, ANSWER_REF] } : ERROR_REF
    out[status] = {
      description,
      ...(status === '429' || status === '503' ? { headers: RETRY_AFTER } : {}),
      content: { 'application/json': { schema } },
    }
  }
  return out
}

const SECURITY = [{ bearerToken: [] }, { apiKeyHeader: [] }]

function single(what: 'pageview' | 'event', schema: z.ZodType, example: Json, toJsonSchema: ToJsonSchema): Json {
  return {
    operationId: `post_ingest_server_${what}`,
    summary: `Record a ${what} from your backend (HitKeep's server API)`,
    description:
      'Needs an API client token with the owner or editor role on the site of `url`. A dropped item (dnt, the ' +
      "site's excluded IPs or allowed hostnames, a spam referrer) is answered 202 with X-Hitring-Drop and counted " +
      "in /metrics and in the site's dropped figures.",
    tags: ['ingest'],
    parameters: [ACK_HEADER],
    requestBody: {
      required: true,
      content: { 'application/json': { schema: toJsonSchema(schema, 'input'), example } },
    },
    responses: {
      202: {
        description:
          'Accepted (fast: in the ring; durable: committed and flushed), or dropped on purpose (X-Hitring-Drop). ' +
          'No body.',
        headers: {
          'X-Hitring-Drop': {
            description: 'Present when the item was acknowledged but deliberately not stored',
            schema: { type: 'string', enum: [...SERVER_DROP_REASONS] },
          },
        },
      },
      ...errorResponses(SINGLE_ERRORS, false),
    },
    security: SECURITY,
  }
}

/** The three path items and the schema components they reference, for ./openapi.ts. */
export function serverIngestDocs(toJsonSchema: ToJsonSchema): { paths: Record<string, Json>; schemas: Json } {
  const batch: Json = {
    operationId: 'post_ingest_batch',
    summary: 'Record up to 10,000 events and pageviews at once (a JSON array or NDJSON)',
    description:
      'Each item as on /api/ingest/server/pageview or /event, plus `type` and an optional idempotency `id`. The ' +
      'answer lists every item; 202 when at least one was accepted now or before (a retried batch is all ' +
      'duplicates: 202).',
    tags: ['ingest'],
    parameters: [ACK_HEADER],
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: toJsonSchema(batchBodySchema, 'input'), example: batchExample },
        'application/x-ndjson': {
          schema: {
            type: 'string',
            description: 'NDJSON: one item per line, each as in the application/json array (blank lines are skipped)',
          },
          example: `${batchExample.map((item) => JSON.stringify(item)).join('\n')}\n`,
        },
      },
    },
    responses: {
      202: {
        description: 'At least one item accepted (now or by an earlier request)',
        content: { 'application/json': { schema: ANSWER_REF } },
      },
      ...errorResponses(BATCH_ERRORS, true),
    },
    security: SECURITY,
  }
  return {
    paths: {
      '/api/ingest/server/pageview': { post: single('pageview', serverPageviewSchema, pageviewExample, toJsonSchema) },
      '/api/ingest/server/event': { post: single('event', serverEventSchema, eventExample, toJsonSchema) },
      '/api/ingest/batch': { post: batch },
    },
    schemas: { BatchAnswer: toJsonSchema(batchAnswerSchema, 'output') },
  }
}
