/**
 * `GET /api/openapi.json`: an OpenAPI 3.1 document, public, listing every route with its parameters,
 * request body and answers, generated from the same zod schemas that validate the requests — and the
 * server-side ingestion routes, whose hand-written validation must accept exactly what they document.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  call,
  createApiClient,
  createSite,
  expectError,
  initialUser,
  startApiServer,
  type ApiServer,
} from './helpers/api.js'
import { send } from './helpers/http.js'

let api: ApiServer
let doc: any

beforeAll(async () => {
  api = await startApiServer()
  const a = await call(api.url, 'GET', '/api/openapi.json')
  expect(a.status).toBe(200)
  expect(a.headers['content-type']).toBe('application/json')
  doc = a.json()
})
afterAll(async () => {
  await api?.stop()
})

const ROUTES = [
  'POST /api/initial-user',
  'POST /api/login',
  'POST /api/logout',
  'GET /api/me',
  'POST /api/user/api-clients',
  'GET /api/user/api-clients',
  'DELETE /api/user/api-clients/{client_id}',
  'GET /api/sites',
  'POST /api/sites',
  'GET /api/sites/{id}',
  'PATCH /api/sites/{id}',
  'DELETE /api/sites/{id}',
  'GET /api/sites/{id}/exclusions',
  'POST /api/sites/{id}/exclusions',
  'DELETE /api/sites/{id}/exclusions',
  'GET /api/sites/{id}/goals',
  'POST /api/sites/{id}/goals',
  'DELETE /api/sites/{id}/goals/{goal_id}',
  'GET /api/sites/{id}/members',
  'POST /api/sites/{id}/members',
  'DELETE /api/sites/{id}/members/{user_id}',
  'GET /api/sites/{id}/goals/timeseries',
  'GET /api/sites/{id}/stats',
  'GET /api/sites/{id}/drops',
  'GET /api/sites/{id}/events',
  'GET /api/sites/{id}/events/{name}/properties',
  'GET /api/sites/{id}/events/{name}/properties/{key}',
  'GET /api/sites/{id}/events/{name}/timeseries',
  'GET /api/sites/{id}/realtime',
  'GET /api/sites/{id}/stream',
  'GET /api/openapi.json',
  'POST /api/ingest/server/pageview',
  'POST /api/ingest/server/event',
  'POST /api/ingest/batch',
]

test('OpenAPI 3.1 with every route, and nothing else', () => {
  expect(doc.openapi).toBe('3.1.0')
  const listed = Object.entries<Record<string, unknown>>(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
  )
  expect(listed.sort()).toEqual([...ROUTES].sort())
})

test('each operation: a unique id, its path parameters, answers, errors as the shared Error schema', () => {
  const ids = new Set<string>()
  for (const [path, ops] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const op of Object.values(ops)) {
      expect(ids.has(op.operationId)).toBe(false)
      ids.add(op.operationId)
      const inPath = [...path.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1])
      expect(op.parameters.filter((p: any) => p.in === 'path').map((p: any) => p.name)).toEqual(inPath)
      expect(Object.keys(op.responses).some((s) => s.startsWith('2'))).toBe(true)
      for (const [status, r] of Object.entries<any>(op.responses)) {
        if (Number(status) < 400) continue
        // The one exception: a batch whose items were all refused answers 400 with the batch answer.
        const error = { $ref: '#/components/schemas/Error' }
        const allowed =
          path === '/api/ingest/batch' && status === '400'
            ? { oneOf: [error, { $ref: '#/components/schemas/BatchAnswer' }] }
            : error
        expect(r.content['application/json'].schema).toEqual(allowed)
      }
    }
  }
  expect(doc.components.schemas.Error.required).toEqual(['code', 'message'])
})

test('schemas come from the validators: the goal body, the stats query and answer', () => {
  const goals = doc.paths['/api/sites/{id}/goals']
  const body = goals.post.requestBody.content['application/json'].schema
  expect(body.required).toEqual(['name', 'type', 'value'])
  expect(body.properties.type.enum).toEqual(['event', 'path'])
  expect(goals.post.responses['201'].content['application/json'].schema.required).toEqual([
    'id',
    'site_id',
    'name',
    'type',
    'value',
    'created_at',
  ])
  const stats = doc.paths['/api/sites/{id}/stats'].get
  expect(stats.parameters.filter((p: any) => p.in === 'query').map((p: any) => p.name)).toEqual(
    expect.arrayContaining(['from', 'to', 'tz', 'interval', 'filter', 'limit']),
  )
  expect(Object.keys(stats.responses['200'].content['application/json'].schema.properties)).toEqual(
    expect.arrayContaining(['kpis', 'timeseries', 'top', 'goals', 'any_goal', 'events']),
  )
  expect(doc.paths['/api/sites/{id}/stream'].get.responses['200'].content['text/event-stream']).toBeDefined()
  expect(doc.paths['/api/login'].post.security).toEqual([])
  expect(doc.paths['/api/sites'].get.security).toEqual(
    expect.arrayContaining([{ sessionCookie: [] }, { bearerToken: [] }]),
  )
})

const INGEST = ['/api/ingest/server/pageview', '/api/ingest/server/event', '/api/ingest/batch']

test('server-side ingestion: POST with JSON (NDJSON for batch), X-Hitring-Ack, tokens only, 202, the errors', () => {
  for (const path of INGEST) {
    const op = doc.paths[path].post
    expect(Object.keys(doc.paths[path])).toEqual(['post'])
    expect(op.tags).toEqual(['ingest'])
    expect(op.security).toEqual([{ bearerToken: [] }, { apiKeyHeader: [] }])
    expect(op.parameters).toEqual([
      expect.objectContaining({
        name: 'X-Hitring-Ack',
        in: 'header',
        required: false,
        schema: { type: 'string', enum: ['durable'] },
      }),
    ])
    expect(op.requestBody.required).toBe(true)
    const statuses =
      path === '/api/ingest/batch'
        ? ['202', '400', '401', '413', '415', '429', '503']
        : ['202', '400', '401', '403', '404', '413', '415', '429', '503']
    expect(Object.keys(op.responses).sort()).toEqual(statuses)
    expect(op.responses['429'].headers['Retry-After']).toBeDefined()
  }
  const event = doc.paths['/api/ingest/server/event'].post
  const body = event.requestBody.content['application/json'].schema
  expect(body.required).toEqual(['url', 'timestamp', 'visitor_ip', 'user_agent', 'name'])
  expect(Object.keys(body.properties)).toEqual([
    'url',
    'timestamp',
    'visitor_ip',
    'user_agent',
    'referrer',
    'session_id',
    'language',
    'dnt',
    'id',
    'name',
    'props',
    'properties',
  ])
  expect(event.responses['202'].headers['X-Hitring-Drop'].schema.enum).toEqual([
    'dnt',
    'excluded_ip',
    'hostname_not_allowed',
    'spam_referrer',
  ])
  const pageview = doc.paths['/api/ingest/server/pageview'].post.requestBody.content['application/json'].schema
  expect(pageview.required).toEqual(['url', 'timestamp', 'visitor_ip', 'user_agent'])
  expect(pageview.properties.name).toBeUndefined()

  const batch = doc.paths['/api/ingest/batch'].post
  const items = batch.requestBody.content['application/json'].schema
  expect(items.type).toBe('array')
  expect(items.items.required).toEqual(['url', 'timestamp', 'visitor_ip', 'user_agent'])
  expect(items.items.properties.type.enum).toEqual(['event', 'pageview'])
  expect(items.items.properties.id.anyOf[0]).toMatchObject({ type: 'string', minLength: 1, maxLength: 128 })
  expect(batch.requestBody.content['application/x-ndjson'].schema.type).toBe('string')
  expect(batch.responses['202'].content['application/json'].schema).toEqual({
    $ref: '#/components/schemas/BatchAnswer',
  })
  const answer = doc.components.schemas.BatchAnswer
  expect(answer.required).toEqual(['accepted', 'rejected', 'duplicates', 'dropped'])
  expect(answer.properties.rejected.items.required).toEqual(['index', 'code', 'message'])
  expect(answer.properties.dropped.items.required).toEqual(['index', 'reason'])
})

describe('the documented ingestion bodies are what the server accepts', () => {
  let token: string
  beforeAll(async () => {
    const cookie = await initialUser(api.url)
    // The documented examples name example.com: a site for it makes them sendable verbatim.
    const site = await createSite(api.url, cookie, 'example.com')
    token = (await createApiClient(api.url, cookie, [{ site_id: site.id, role: 'editor' }])).token
  })
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(api.url, 'POST', path, { token }, body, headers)
  const now = () => new Date().toISOString()
  const schemaOf = (path: string) => doc.paths[path].post.requestBody.content['application/json'].schema
  /** The documented example, at the current time (the example's fixed date may be outside the back-fill window). */
  const exampleOf = (path: string): Record<string, unknown> => ({
    ...doc.paths[path].post.requestBody.content['application/json'].example,
    timestamp: now(),
  })
  const accepted = async (path: string, body: unknown, headers?: Record<string, string>) => {
    const a = await post(path, body, headers)
    expect(a.status, a.text).toBe(202)
    expect(a.headers['x-hitring-drop']).toBeUndefined()
  }
  const refused = async (path: string, body: unknown, field: string) => {
    const a = await post(path, body)
    expect(a.status, a.text).toBe(400)
    expect(a.json().code).toBe('invalid_field')
    expect(a.json().fields.map((f: { field: string }) => f.field)).toContain(field)
  }

  test.each(['/api/ingest/server/pageview', '/api/ingest/server/event'])(
    '%s: the example is accepted; each required field is required, each optional one optional',
    async (path) => {
      const schema = schemaOf(path)
      const example = exampleOf(path)
      await accepted(path, example)
      await accepted(path, example, { 'X-Hitring-Ack': 'durable' })
      for (const field of Object.keys(schema.properties)) {
        const { [field]: _, ...without } = example
        if (schema.required.includes(field)) await refused(path, without, field)
        else await accepted(path, without)
      }
      // The timestamp pattern: a space for the T is documented and accepted; a date in another format is not.
      expect(new RegExp(schema.properties.timestamp.pattern).test('2026-11-26 08:00:00Z')).toBe(true)
      await accepted(path, { ...example, timestamp: now().replace('T', ' ') })
      expect(new RegExp(schema.properties.timestamp.pattern).test('26/11/2026')).toBe(false)
      await refused(path, { ...example, timestamp: '26/11/2026' }, 'timestamp')
    },
  )

  test("the documented limits are the server's: at the limit accepted, one over refused", async () => {
    const path = '/api/ingest/server/event'
    const { properties: p } = schemaOf(path)
    const example = exampleOf(path)
    const urlMax = p.url.maxLength
    const urlOf = (n: number) => `https://example.com/${'a'.repeat(n - 'https://example.com/'.length)}`
    await accepted(path, { ...example, url: urlOf(urlMax) })
    await refused(path, { ...example, url: urlOf(urlMax + 1) }, 'url')
    const nameMax = p.name.maxLength
    await accepted(path, { ...example, name: 'n'.repeat(nameMax) })
    await refused(path, { ...example, name: 'n'.repeat(nameMax + 1) }, 'name')
    await refused(path, { ...example, name: ' ' }, 'name') // minLength 1 once trimmed
    const props = p.props.anyOf[0]
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))
    await accepted(path, { ...example, props: keys(props.maxProperties) })
    await refused(path, { ...example, props: keys(props.maxProperties + 1) }, 'props')
    const keyMax = props.propertyNames.maxLength
    await accepted(path, { ...example, props: { ['k'.repeat(keyMax)]: 1 } })
    await refused(path, { ...example, props: { ['k'.repeat(keyMax + 1)]: 1 } }, `props.${'k'.repeat(keyMax + 1)}`)
    const valueMax = props.additionalProperties.anyOf.find((s: any) => s.type === 'string').maxLength
    await accepted(path, { ...example, props: { plan: 'v'.repeat(valueMax) } })
    await refused(path, { ...example, props: { plan: 'v'.repeat(valueMax + 1) } }, 'props.plan')
    await refused(path, { ...example, props: { plan: { nested: true } } }, 'props.plan')
    const idMax = p.id.anyOf[0].maxLength
    await accepted(path, { ...example, id: 'i'.repeat(idMax) })
    await refused(path, { ...example, id: 'i'.repeat(idMax + 1) }, 'id')
    await refused(path, { ...example, id: '' }, 'id')
  })

  test('the batch example passes as JSON and NDJSON (then duplicates); items need what is documented', async () => {
    const path = '/api/ingest/batch'
    const media = doc.paths[path].post.requestBody.content
    const items = media['application/json'].example.map((item: object) => ({ ...item, timestamp: now() }))
    const a = await post(path, items)
    expect(a.status, a.text).toBe(202)
    expect(a.json()).toEqual({ accepted: items.length, rejected: [], duplicates: [], dropped: [] })
    // Every key of the real answer is documented.
    expect(Object.keys(a.json()).sort()).toEqual(Object.keys(doc.components.schemas.BatchAnswer.properties).sort())
    const lines = (media['application/x-ndjson'].example as string)
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.stringify({ ...JSON.parse(l), timestamp: now() }))
    const b = await send(`${api.url}${path}`, {
      body: lines.join('\n'),
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-ndjson' },
    })
    expect(b.status, b.text).toBe(202)
    expect(b.json()).toEqual({
      accepted: 0,
      rejected: [],
      duplicates: items.map((_: unknown, i: number) => i),
      dropped: [],
    })

    const schema = schemaOf(path).items
    // An event without `type` (one without `name` is then a pageview, so `name` is optional in a batch).
    const base = { ...items[1], type: undefined, id: undefined }
    const variants = Object.keys(schema.properties).map((field) => {
      const { [field]: _, ...without } = base
      return without
    })
    const c = await post(path, variants)
    const rejected = new Map<number, string>(
      c.json().rejected.map((r: { index: number; field: string }) => [r.index, r.field]),
    )
    Object.keys(schema.properties).forEach((field, i) => {
      if (schema.required.includes(field)) expect(rejected.get(i), field).toBe(field)
      else expect(rejected.has(i), `${field} is optional`).toBe(false)
    })
    const d = await post(path, [{ ...base, type: 'click' }])
    expect(d.status).toBe(400)
    expect(d.json().rejected[0].field).toBe('type')
    // The documented minimum is the server's: no items is an error of its own, named under 400.
    expect(schemaOf(path).minItems).toBe(1)
    expectError(await post(path, []), 400, 'empty_batch')
    expect(doc.paths[path].post.responses['400'].description).toContain('`empty_batch`')
  })
})
