/**
 * The OpenAPI 3.1 document of the REST API, generated from the route table and its zod schemas
 * (`z.toJSONSchema`, JSON Schema 2020-12 — the dialect of OpenAPI 3.1), so it cannot drift from what
 * the routes validate and answer — plus the server-side ingestion routes, which the HTTP thread serves
 * outside the route table (./server-ingest-docs.ts).
 * @module
 */
import { z } from 'zod'
import { errorSchema } from './schemas.js'
import { serverIngestDocs } from './server-ingest-docs.js'
import type { RouteDef } from './types.js'

type Json = Record<string, unknown>

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json
  return rest
}

/** The fields of an object schema as OpenAPI parameters. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!(schema instanceof z.ZodObject)) return []
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !field.safeParse(undefined).success,
    ...(field.description ? { description: field.description } : {}),
    schema: jsonSchema(field, 'input'),
  }))
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: `invalid_field` (with `field`), `invalid_json`, or a query refusal such as `invalid_range`',
  401: 'No valid credentials (`unauthorized`)',
  403:
    'Too small a role (`forbidden`), a cross-site request (`cross_site_request`) or a token where a sign-in is ' +
    'needed (`session_required`)',
  404: 'No such site, goal or client visible to you',
  413: 'Body over 64 KiB',
  415: 'Body not application/json',
  429: 'Over the per-IP rate limit; see Retry-After',
}

function operation(r: RouteDef): Json {
  const errors = new Set<number>([429])
  if (r.params || r.query || r.body) errors.add(400)
  if (r.access !== 'public') errors.add(401).add(403)
  if (r.path.includes(':')) errors.add(404)
  if (r.body) errors.add(413).add(415)
  if (r.method !== 'GET') errors.add(403)
  const responses: Json = {}
  for (const [status, spec] of Object.entries(r.responses)) {
    const content = spec.schema
      ? { content: { [spec.contentType ?? 'application/json']: { schema: jsonSchema(spec.schema, 'output') } } }
      : {}
    const headers = spec.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(spec.headers).map(([name, description]) => [
              name,
              { description, schema: { type: 'string' } },
            ]),
          ),
        }
      : {}
    responses[status] =
      Number(status) >= 400
        ? {
            description: spec.description,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          }
        : { description: spec.description, ...headers, ...content }
  }
  for (const status of errors) {
    responses[status] ??= {
      description: ERROR_DESCRIPTIONS[status],
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    }
  }
  return {
    // get_sites_by_id_goals_by_goal_id: unique, stable, readable.
    operationId: [
      r.method.toLowerCase(),
      ...r.path
        .split('/')
        .slice(2)
        .map((s) => s.replace(/^:/, 'by_').replace(/-/g, '_')),
    ].join('_'),
    summary: r.summary,
    tags: [r.tag],
    parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
    ...(r.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } }
      : {}),
    responses,
    security:
      r.access === 'public'
        ? []
        : r.access === 'session'
          ? [{ sessionCookie: [] }]
          : [{ sessionCookie: [] }, { bearerToken: [] }, { apiKeyHeader: [] }],
  }
}

export function openApiDocument(routes: RouteDef[], serverUrl: string): Json {
  const paths: Record<string, Json> = {}
  for (const r of routes) {
    const path = r.path.replace(/:([a-z_]+)/gi, '{$1}')
    ;(paths[path] ??= {})[r.method.toLowerCase()] = operation(r)
  }
  const ingest = serverIngestDocs(jsonSchema)
  Object.assign(paths, ingest.paths)
  return {
    openapi: '3.1.0',
    info: {
      title: 'hitring REST API',
      version: '1',
      description:
        'HitKeep-compatible accounts, sites, goals and read API, and server-side ingestion (tag `ingest`: API ' +
        'client tokens only). Errors are JSON `{code, message, field?, fields?}`. Cookie-authenticated writes ' +
        "must come from the public URL's origin (or carry no Origin/Referer at all).",
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: { Error: jsonSchema(errorSchema, 'output'), ...ingest.schemas },
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'hk_token', description: 'Set by POST /api/login' },
        bearerToken: { type: 'http', scheme: 'bearer', description: 'An API client token' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'An API client token' },
      },
    },
  }
}
