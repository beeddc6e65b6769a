/**
 * An answer to HEAD has the status and headers the same GET gets — its Content-Length included — and no
 * body (RFC 9110 §9.3.2), on every route family: errors (the catch-all 404, the API's, the ingest 405s)
 * as well as content. Each HEAD is followed by a GET on the same connection, pipelined in one write: a
 * body after the HEAD's head would be read as the start of the GET's answer.
 */
import { beforeAll, expect, test } from 'vitest'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ROOT, startServer, tempDataDir, type ServerProcess, cleanupsAfterAll } from './helpers/server.js'
import { createSite, initialUser } from './helpers/api.js'
import { pipelined, rawExchange, type RawAnswer } from './helpers/raw.js'

const cleanups = cleanupsAfterAll()

let server: ServerProcess
let cookie: string
let siteId: string
let asset: string

beforeAll(async () => {
  const dir = tempDataDir()
  cleanups.push(() => dir.remove())
  server = await startServer(dir.path)
  cleanups.push(() => server.stop())
  const session = await initialUser(server.url)
  cookie = `hk_token=${session}`
  siteId = (await createSite(server.url, session, 'head.example')).id
  asset = (JSON.parse(await readFile(join(ROOT, 'dist/dashboard/manifest.json'), 'utf8')) as { js: string }).js
})

/** Headers that may differ between two answers a moment apart. */
const VARYING = new Set(['date'])
const comparable = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).filter(([k]) => !VARYING.has(k)))

const families: Array<{
  name: string
  path: () => string
  status: number
  headers?: () => Record<string, string>
  code?: string
}> = [
  { name: 'catch-all 404', path: () => '/no/such/path', status: 404, code: 'not_found' },
  { name: '/api 401', path: () => '/api/me', status: 401, code: 'unauthorized' },
  {
    name: '/api 404',
    path: () => '/api/no/such/route',
    status: 404,
    code: 'not_found',
    headers: () => ({ Cookie: cookie }),
  },
  { name: '/api 405 (a POST-only route)', path: () => '/api/login', status: 405, code: 'method_not_allowed' },
  { name: '/api 200 GET', path: () => `/api/sites/${siteId}`, status: 200, headers: () => ({ Cookie: cookie }) },
  { name: '/api 200 GET (public: the OpenAPI document)', path: () => '/api/openapi.json', status: 200 },
  {
    name: 'ingest 405',
    path: () => '/ingest/event',
    status: 405,
    code: 'method_not_allowed',
    headers: () => ({ Origin: 'https://head.example' }),
  },
  { name: 'server-ingest 405', path: () => '/api/ingest/batch', status: 405, code: 'method_not_allowed' },
  { name: '/healthz', path: () => '/healthz', status: 200 },
  { name: '/readyz', path: () => '/readyz', status: 200 },
  { name: '/metrics', path: () => '/metrics', status: 200 },
  { name: 'hk.js', path: () => '/hk.js', status: 200 },
  { name: 'hk.js gzip', path: () => '/hk.js', status: 200, headers: () => ({ 'Accept-Encoding': 'gzip' }) },
  { name: 'tracker 404 (a wrong hash)', path: () => '/hk.0000000000000000.js', status: 404, code: 'not_found' },
  { name: 'dashboard HTML', path: () => '/sites', status: 200 },
  { name: 'dashboard asset', path: () => `/assets/${asset}`, status: 200 },
  { name: 'dashboard asset 404', path: () => '/assets/app.nope.js', status: 404, code: 'not_found' },
]

test.each(families)('$name: HEAD then GET on one connection', async (f) => {
  const headers = f.headers?.() ?? {}
  const got = await pipelined(server.port, [
    { method: 'HEAD', path: f.path(), headers },
    { method: 'GET', path: f.path(), headers },
  ])
  expect(got.error, `the HEAD answer carried a body: ${JSON.stringify(got.rest.slice(0, 80))}`).toBeNull()
  expect(got.answers).toHaveLength(2)
  expect(got.rest).toBe('')
  const [head, get] = got.answers as [RawAnswer, RawAnswer]
  expect(head.body).toBe('')
  expect([head.status, get.status]).toEqual([f.status, f.status])
  if (f.code) expect(JSON.parse(get.body).code).toBe(f.code)
  // The same headers, Content-Length included (the GET's is its body's: parseAnswers read it by that).
  expect(Number(head.headers['content-length'])).toBeGreaterThan(0)
  if (f.name === '/metrics') {
    // The figures may move between the two renders.
    delete head.headers['content-length']
    delete get.headers['content-length']
  }
  expect(comparable(head.headers)).toEqual(comparable(get.headers))
})

test('/api 405 names HEAD wherever GET is allowed', async () => {
  const got = await pipelined(server.port, [
    { method: 'HEAD', path: '/api/sites', headers: { Cookie: cookie } },
    { method: 'PUT', path: '/api/sites', headers: { Cookie: cookie, 'Content-Length': '0' } },
  ])
  expect(got.error).toBeNull()
  expect(got.answers.map((a) => a.status)).toEqual([200, 405])
  expect(got.answers[1]!.headers.allow).toBe('GET, HEAD, POST')
})

test('HEAD on the event stream: its head, no stream; the connection goes on', async () => {
  const got = await pipelined(server.port, [
    { method: 'HEAD', path: `/api/sites/${siteId}/stream`, headers: { Cookie: cookie } },
    { method: 'GET', path: '/healthz' },
  ])
  expect(got.error).toBeNull()
  expect(got.answers.map((a) => a.status)).toEqual([200, 200])
  expect(got.answers[0]!.headers['content-type']).toBe('text/event-stream; charset=utf-8')
  expect(got.answers[1]!.body).toBe('{"status":"ok"}')
})

test('a HEAD refused with a close (a repeated Content-Length): no body, and the connection closed', async () => {
  const a = await rawExchange(
    server.port,
    ['HEAD /healthz HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n'],
    { waitMs: 5000 },
  )
  expect(a.closed).toBe(true)
  expect(a.text).toMatch(/^HTTP\/1\.1 400 /)
  expect(a.text).toMatch(/\r\nConnection: close\r\n/i)
  expect(a.text.endsWith('\r\n\r\n')).toBe(true) // the head, and nothing after it
})
