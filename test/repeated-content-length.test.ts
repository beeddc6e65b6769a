/**
 * A request with more than one Content-Length header (RFC 9112 §6.3) is refused on every route — browser
 * ingest, server ingest and batch, the REST API, operations, tracker, dashboard and the catch-all — with
 * 400 `invalid_content_length` and the connection closed; identical values too. A request smuggled behind
 * it (bytes the parser, which frames by the first value, would take for a request of their own) never
 * runs: in the same read the connection is closed without an answer, in a later read it is gone already.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { call, createApiClient, createSite, GENEROUS, initialUser } from './helpers/api.js'
import { send } from './helpers/http.js'
import { firstBody, firstHeaders, rawExchange, statuses } from './helpers/raw.js'
import { startServer, tempDataDir, waitFor, type ServerProcess } from './helpers/server.js'
import { storedEventCount } from './helpers/store.js'

const dir = tempDataDir()
let server: ServerProcess
let siteId: string
let token: string

beforeAll(async () => {
  server = await startServer(dir.path, [...GENEROUS, '-ingest-rate', '100000', '-ingest-burst', '100000'])
  const cookie = await initialUser(server.url)
  siteId = (await createSite(server.url, cookie, 'shop.example')).id
  token = (await createApiClient(server.url, cookie, [{ site_id: siteId, role: 'editor' }])).token
})
afterAll(async () => {
  await server?.stop()
  dir.remove()
})

const event = () =>
  JSON.stringify({ site_id: siteId, name: 'signup', url: 'https://shop.example/x', referrer: '', props: {} })
const serverEvent = () =>
  JSON.stringify({
    url: 'https://shop.example/x',
    timestamp: new Date().toISOString(),
    visitor_ip: '198.51.100.7',
    user_agent: 'curl/8.5.0',
    name: 'signup',
  })

/** A request with the given Content-Length headers (in this order) and body. */
function request(method: string, path: string, lengths: number[], body: string, extra: string[] = []): string {
  const head = [
    `${method} ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    ...extra,
    ...lengths.map((n) => `Content-Length: ${n}`),
  ]
  return `${head.join('\r\n')}\r\n\r\n${body}`
}

async function accepted(): Promise<string> {
  const metrics = (await send(`${server.url}/metrics`, { method: 'GET' })).text
  return metrics
    .split('\n')
    .filter((l) => l.startsWith('hitring_ingest_accepted_total'))
    .join('\n')
}

test.each([
  ['browser ingest', 'POST', '/ingest/event', event, []],
  ['browser pageview', 'POST', '/ingest', event, []],
  ['server ingest', 'POST', '/api/ingest/server/event', serverEvent, ['Authorization: Bearer TOKEN']],
  ['batch', 'POST', '/api/ingest/batch', () => `[${serverEvent()}]`, ['Authorization: Bearer TOKEN']],
  ['REST API', 'POST', '/api/login', () => JSON.stringify({ email: 'owner@example.test', password: 'x' }), []],
  [
    'REST API, signed in',
    'POST',
    `/api/sites/SITE/goals`,
    () => JSON.stringify({ name: 'g', type: 'event', value: 'signup' }),
    ['Authorization: Bearer TOKEN'],
  ],
  ['operations', 'GET', '/healthz', () => '', []],
  ['tracker', 'GET', '/hk.js', () => '', []],
  ['dashboard', 'GET', '/', () => '', []],
  ['catch-all', 'GET', '/nope', () => '', []],
  ['a 405', 'GET', '/ingest/event', () => '', []],
])(
  '%s (%s %s): two differing Content-Lengths → 400 invalid_content_length, connection closed',
  async (_what, method, rawPath, body, extra) => {
    const path = rawPath.replace('SITE', siteId)
    const text = body()
    const headers = extra.map((h) => h.replace('TOKEN', token))
    const before = await accepted()
    // The first value frames the body for uWS; a proxy taking the last would have sent 10 bytes more.
    const a = await rawExchange(server.port, [request(method, path, [text.length, text.length + 10], text, headers)])
    expect(statuses(a.text), a.text).toEqual([400])
    expect(JSON.parse(firstBody(a.text))).toMatchObject({ code: 'invalid_content_length' })
    expect(firstHeaders(a.text).connection).toBe('close')
    expect(a.closed).toBe(true)
    expect(await accepted()).toBe(before)
  },
)

test('identical repeated Content-Lengths are refused as well (one rule: more than one is refused)', async () => {
  const body = event()
  const a = await rawExchange(server.port, [request('POST', '/ingest/event', [body.length, body.length], body)])
  expect(statuses(a.text)).toEqual([400])
  expect(JSON.parse(firstBody(a.text)).code).toBe('invalid_content_length')
  expect(a.closed).toBe(true)
})

test('a request smuggled behind the ambiguous one never runs, in the same read or a later one', async () => {
  const smuggled = request('POST', '/ingest/event', [event().length], event(), ['Origin: https://shop.example'])
  // The first value (0) frames no body, so the parser would read `smuggled` as the next request; a proxy
  // taking the last value would have forwarded it as this request's body.
  const ambiguous = request('POST', '/ingest/event', [0, smuggled.length], '')

  const sameRead = await rawExchange(server.port, [ambiguous + smuggled])
  expect(sameRead.closed).toBe(true)
  expect(statuses(sameRead.text)).toEqual([]) // closed before any answer: neither request ran

  const laterRead = await rawExchange(server.port, [ambiguous, smuggled], { gapMs: 200 })
  expect(laterRead.closed).toBe(true)
  expect(statuses(laterRead.text)).toEqual([400])

  // A good event afterwards, on its own connection, in the same lane (same client address): once it is
  // stored, anything accepted before it would be too. Exactly one event is.
  const good = await send(`${server.url}/ingest/event`, {
    body: event(),
    headers: { 'Content-Type': 'application/json' },
  })
  expect(good.status).toBe(202)
  await waitFor(() => storedEventCount(dir.path) >= 1, 5000, 'the good event stored')
  expect(storedEventCount(dir.path)).toBe(1)
  expect(await accepted()).toMatch(/hitring_ingest_accepted_total\{kind="event"\} 1(\n|$)/)
  const metrics = (await send(`${server.url}/metrics`, { method: 'GET' })).text
  expect(metrics).toMatch(/hitring_ingest_rejected_total\{code="invalid_content_length"\} \d+/)
})

test('one Content-Length, as every client sends, is served as before', async () => {
  const body = event()
  const a = await rawExchange(server.port, [
    request('POST', '/ingest/event', [body.length], body, ['Connection: close']),
  ])
  expect(statuses(a.text)).toEqual([202])
  expect((await call(server.url, 'GET', '/healthz')).status).toBe(200)
})
