/**
 * `GET /api/openapi.json`: an OpenAPI 3.1 document, public, listing every route with its parameters,
 * request body and answers, generated from the same zod schemas that validate the requests.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { call, startApiServer, type ApiServer } from './helpers/api.js'

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
  'GET /api/sites/{id}/goals/timeseries',
  'GET /api/sites/{id}/stats',
  'GET /api/sites/{id}/events',
  'GET /api/sites/{id}/events/{name}/properties',
  'GET /api/sites/{id}/events/{name}/properties/{key}',
  'GET /api/sites/{id}/events/{name}/timeseries',
  'GET /api/sites/{id}/realtime',
  'GET /api/sites/{id}/stream',
  'GET /api/openapi.json',
]

test('OpenAPI 3.1 with every route, and nothing else', () => {
  expect(doc.openapi).toBe('3.1.0')
  const listed = Object.entries<Record<string, unknown>>(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
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
        if (Number(status) >= 400) expect(r.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' })
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
  expect(goals.post.responses['201'].content['application/json'].schema.required).toEqual(['id', 'site_id', 'name', 'type', 'value', 'created_at'])
  const stats = doc.paths['/api/sites/{id}/stats'].get
  expect(stats.parameters.filter((p: any) => p.in === 'query').map((p: any) => p.name)).toEqual(expect.arrayContaining(['from', 'to', 'tz', 'interval', 'filter', 'limit']))
  expect(Object.keys(stats.responses['200'].content['application/json'].schema.properties)).toEqual(expect.arrayContaining(['kpis', 'timeseries', 'top', 'goals', 'events']))
  expect(doc.paths['/api/sites/{id}/stream'].get.responses['200'].content['text/event-stream']).toBeDefined()
  expect(doc.paths['/api/login'].post.security).toEqual([])
  expect(doc.paths['/api/sites'].get.security).toEqual(expect.arrayContaining([{ sessionCookie: [] }, { bearerToken: [] }]))
})
