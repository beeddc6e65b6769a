/**
 * The batch endpoint: JSON arrays and NDJSON, the exact per-item answer, idempotency (also across a
 * restart), per-token limits, and size limits.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { call, createApiClient, createSite, expectError, GENEROUS, initialUser } from './helpers/api.js'
import { startServer, tempDataDir, waitFor, type ServerProcess } from './helpers/server.js'
import { send } from './helpers/http.js'
import { storedEventCount } from './helpers/store.js'

const dir = tempDataDir()
let server: ServerProcess
let token: string
const ARGS = [...GENEROUS, '-server-ingest-rate', '1', '-server-ingest-burst', '30']

beforeAll(async () => {
  server = await startServer(dir.path, ARGS)
  const cookie = await initialUser(server.url)
  const site = await createSite(server.url, cookie, 'shop.example')
  token = (await createApiClient(server.url, cookie, [{ site_id: site.id, role: 'owner' }])).token
})
afterAll(async () => {
  await server?.stop()
  dir.remove()
})

const item = (i: number, over: Record<string, unknown> = {}) => ({
  id: `order-${i}`,
  type: 'event',
  name: 'purchase',
  url: 'https://shop.example/thanks',
  timestamp: new Date().toISOString(),
  visitor_ip: `198.51.100.${i % 250}`,
  user_agent: 'python-requests/2.31.0',
  props: { order: i },
  ...over,
})
const batch = (body: string, contentType = 'application/json') =>
  send(`${server.url}/api/ingest/batch`, {
    body,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType },
  })

test('good, bad and duplicate items get the exact per-item answer', async () => {
  const items = [
    item(1),
    item(2, { visitor_ip: 'nope' }),
    item(3),
    item(1),
    item(4, { type: 'click' }),
    item(5, { timestamp: 'yesterday' }),
    item(6, { dnt: true }),
  ]
  const a = await batch(JSON.stringify(items))
  expect(a.status, a.text).toBe(202)
  expect(a.json()).toEqual({
    accepted: 3,
    rejected: [
      {
        index: 1,
        code: 'invalid_field',
        message: 'visitor_ip: must be a valid IPv4 or IPv6 address',
        field: 'visitor_ip',
      },
      { index: 4, code: 'invalid_field', message: 'type: must be "event" or "pageview"', field: 'type' },
      {
        index: 5,
        code: 'invalid_field',
        message: 'timestamp: must be an RFC 3339 date-time, such as 2026-11-26T08:00:00Z',
        field: 'timestamp',
      },
    ],
    duplicates: [3],
    dropped: [{ index: 6, reason: 'dnt' }],
  })
  await waitFor(() => storedEventCount(dir.path) === 2, 2000, 'two stored events')
})

test('NDJSON works; a retry of an accepted batch is all duplicates (202) and stores nothing new', async () => {
  const lines = `${[item(10), item(11), item(12)].map((x) => JSON.stringify(x)).join('\n')}\n`
  const first = await batch(lines, 'application/x-ndjson')
  expect(first.json()).toMatchObject({ accepted: 3, rejected: [], duplicates: [] })
  const again = await batch(lines, 'application/x-ndjson')
  expect(again.status).toBe(202)
  expect(again.json()).toMatchObject({ accepted: 0, rejected: [], duplicates: [0, 1, 2] })
  await waitFor(() => storedEventCount(dir.path) === 5, 2000, 'five stored events')
})

test('a batch where every item is refused answers 400; bad JSON, wrong type and oversize are refused', async () => {
  const none = await batch(JSON.stringify([item(20, { url: 'ftp://x' }), { nonsense: true }]))
  expect(none.status).toBe(400)
  expect(none.json().accepted).toBe(0)
  expect(none.json().rejected).toHaveLength(2)
  expectError(await batch('[{'), 400, 'invalid_json')
  expectError(await batch('{"not":"an array"}'), 400, 'invalid_field')
  expectError(await batch('x', 'text/csv'), 415, 'unsupported_media_type')
  const tooMany = JSON.stringify(Array.from({ length: 10_001 }, (_, i) => ({ i })))
  expectError(await batch(tooMany), 413, 'batch_too_large')
})

test('a batch without items is refused with its own code: 400 empty_batch', async () => {
  for (const [body, type] of [
    ['[]', 'application/json'],
    [' [ ] ', 'application/json'],
    ['\n\n \r\n', 'application/x-ndjson'],
    ['', 'application/x-ndjson'],
  ]) {
    const a = await batch(body!, type)
    expectError(a, 400, 'empty_batch')
    expect(a.json().message).toBe('The batch has no items')
  }
})

test('idempotency survives a restart: the same ids are duplicates afterwards', async () => {
  const code = await server.stop()
  expect(code).toBe(0)
  server = await startServer(dir.path, ARGS)
  const a = await batch(JSON.stringify([item(1), item(10), item(99)]))
  expect(a.json()).toMatchObject({ accepted: 1, duplicates: [0, 1] })
})

test('the limit is per token, not per IP: after the burst the token gets 429 with Retry-After', async () => {
  let limited = null
  for (let i = 0; i < 40 && !limited; i++) {
    const a = await batch(JSON.stringify([item(1000 + i)]))
    if (a.status === 429) limited = a
  }
  expect(limited).not.toBeNull()
  expect(Number(limited!.headers['retry-after'])).toBeGreaterThanOrEqual(1)
  expect(limited!.json().code).toBe('rate_limited')
  // The browser ingest route from the same IP is not affected.
  const browser = await call(
    server.url,
    'POST',
    '/ingest/event',
    {},
    { name: 'x', url: 'https://shop.example/' },
    { Origin: 'https://shop.example', 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' },
  )
  expect(browser.status).toBe(202)
})
