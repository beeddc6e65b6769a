/**
 * Issue 7's "done when", whole: a backend sends 10,000 purchases in ONE request with durable
 * acknowledgement, every one is stored by the time of the 202, the purchases show in the read API, and
 * retrying the same request is safe (all duplicates, nothing counted twice).
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { call, createApiClient, createSite, GENEROUS, initialUser } from './helpers/api.js'
import { startServer, tempDataDir, type ServerProcess } from './helpers/server.js'
import { send } from './helpers/http.js'
import { storedEventCount } from './helpers/store.js'

const dir = tempDataDir()
let server: ServerProcess
let cookie: string
let token: string
let siteId: string

beforeAll(async () => {
  server = await startServer(dir.path, GENEROUS)
  cookie = await initialUser(server.url)
  siteId = (await createSite(server.url, cookie, 'shop.example')).id
  token = (await createApiClient(server.url, cookie, [{ site_id: siteId, role: 'editor' }])).token
})
afterAll(async () => {
  await server?.stop()
  dir.remove()
})

const N = 10_000
const now = Date.now()
const purchases = Array.from({ length: N }, (_, i) => ({
  id: `order-${i}`,
  name: 'purchase',
  url: `https://shop.example/checkout/thanks?order=${i}`,
  timestamp: new Date(now - (N - i) * 10).toISOString(),
  visitor_ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/140.0 Safari/537.36',
  props: { plan: i % 3 === 0 ? 'pro' : 'free', amount: 10 + (i % 90) },
}))
const body = JSON.stringify(purchases)
const post = () =>
  send(`${server.url}/api/ingest/batch`, {
    body,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'X-Hitring-Ack': 'durable' },
  })

test('10,000 purchases in one request: acked durably, stored, in the read API; the retry all duplicates', async () => {
  expect(Buffer.byteLength(body)).toBeLessThan(5 * 2 ** 20)
  const first = await post()
  expect(first.status, first.text.slice(0, 300)).toBe(202)
  expect(first.json()).toEqual({ accepted: N, rejected: [], duplicates: [], dropped: [] })
  // Durable: the 202 came after the commit holding every item was flushed.
  expect(storedEventCount(dir.path)).toBe(N)

  const day = (t: number) => new Date(t).toISOString().slice(0, 10) // the site is in UTC
  const events = await call(server.url, 'GET', `/api/sites/${siteId}/events?from=${day(now - N * 10)}&to=${day(now)}`, {
    cookie,
  })
  expect(events.status, events.text).toBe(200)
  const purchase = (events.json() as Array<{ name: string; total: number; visitors: number }>).find(
    (e) => e.name === 'purchase',
  )
  expect(purchase?.total).toBe(N)
  expect(Math.abs(purchase!.visitors - N) / N).toBeLessThan(0.02) // 10,000 distinct visitors, HyperLogLog ±2 %

  const again = await post()
  expect(again.status).toBe(202)
  expect(again.json()).toEqual({
    accepted: 0,
    rejected: [],
    duplicates: Array.from({ length: N }, (_, i) => i),
    dropped: [],
  })
  expect(storedEventCount(dir.path)).toBe(N)
}, 60_000)
