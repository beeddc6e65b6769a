/**
 * Server-side drops reach the site's DROPPED rollup, like browser drops: the server API and the batch
 * endpoint answer a dropped item as before (202 with `X-Hitring-Drop`, or `dropped` in the batch
 * answer), count it in /metrics, and count it per site and reason at the item's own `timestamp` — also
 * back-filled into a day already packed, and through a time-zone rebuild — and `hitring verify` agrees.
 *
 * The rollup is read straight from LMDB here (as test/drops-http does); test/api-drops reads it over REST.
 */
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { call, createApiClient, GENEROUS, initialUser } from './helpers/api.js'
import {
  addSite,
  CLI,
  type ServerProcess,
  setSiteFilters,
  startServer,
  tempDataDir,
  waitFor,
} from './helpers/server.js'
import { send } from './helpers/http.js'
import { storedEventCount, withStore } from './helpers/store.js'
import { breakdownDays } from '../src/query/kpis.js'
import { Metric } from '../src/store/metrics.js'
import { getSite } from '../src/store/sites.js'
import { StringKind, stringOf } from '../src/store/strings.js'
import { DAY_MS, Granularity, localBuckets } from '../src/store/buckets.js'
import { packedThrough } from '../src/store/packed.js'

const dir = tempDataDir()
let server: ServerProcess
let cookie: string
let token: string
let shopId: string
let mirrorId: string

/** Back-filled items: three days ago, inside the 7-day window, in a day the packer has already closed. */
const PAST = Date.now() - 3 * DAY_MS
const RECENT = Date.now() - 60_000
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/140.0 Safari/537.36'

beforeAll(async () => {
  // Sites made before the server starts are closed by the packer's first run (1 s after start), so the
  // back-filled drops below land in packed days and must patch them.
  shopId = addSite(dir.path, 'shop.example')
  setSiteFilters(dir.path, 'shop.example', ['--exclude-ips', '203.0.113.0/24'])
  // A site that counts only its app. subdomain: a backend sending the apex URL is dropped (hostname_not_allowed).
  mirrorId = addSite(dir.path, 'mirror.example')
  setSiteFilters(dir.path, 'mirror.example', ['--allowed-hostnames', 'app.mirror.example'])
  server = await startServer(dir.path, GENEROUS)
  cookie = await initialUser(server.url)
  token = (
    await createApiClient(server.url, cookie, [
      { site_id: shopId, role: 'editor' },
      { site_id: mirrorId, role: 'owner' },
    ])
  ).token
  await waitFor(
    () =>
      withStore(dir.path, (store) =>
        [shopId, mirrorId].every(
          (id) => packedThrough(store, getSite(store, id)!.num, Granularity.DAY) >= localBuckets('UTC', PAST).day,
        ),
      ),
    5000,
    'the packer to close the back-fill day',
  )
})
afterAll(async () => {
  await server?.stop()
  dir.remove()
})

const item = (over: Record<string, unknown> = {}) => ({
  url: 'https://shop.example/checkout/success',
  timestamp: new Date(RECENT).toISOString(),
  visitor_ip: '198.51.100.7',
  user_agent: UA,
  name: 'purchase',
  ...over,
})
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(server.url, 'POST', path, { token }, body, headers)
const past = new Date(PAST).toISOString()

/** The site's DROPPED rollup of one local day (in the site's zone as stored now), by reason name. */
function droppedOn(siteId: string, fromTs: number, toTs = fromTs): Record<string, number> {
  return withStore(dir.path, (store) => {
    const site = getSite(store, siteId)!
    const from = localBuckets(site.timezone, fromTs).day
    const to = localBuckets(site.timezone, toTs).day
    const byReason = breakdownDays(store, site.num, Metric.DROPPED, from, to)
    return Object.fromEntries([...byReason].map(([id, n]) => [stringOf(store, StringKind.DROP_REASON, id), n]))
  })
}

test('the server API answers drops as before: 202 with X-Hitring-Drop, nothing stored', async () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, string>, string]> = [
    ['/api/ingest/server/pageview', { name: undefined, dnt: true }, {}, 'dnt'],
    ['/api/ingest/server/event', { visitor_ip: '203.0.113.9', timestamp: past }, {}, 'excluded_ip'],
    ['/api/ingest/server/event', { url: 'https://mirror.example/pricing' }, {}, 'hostname_not_allowed'],
    [
      '/api/ingest/server/pageview',
      { name: undefined, referrer: 'https://semalt.com/crawler', timestamp: past },
      {},
      'spam_referrer',
    ],
    // Durable acknowledgement does not wait for a drop record: nothing of the item is stored.
    ['/api/ingest/server/event', { dnt: true, timestamp: past }, { 'X-Hitring-Ack': 'durable' }, 'dnt'],
  ]
  for (const [path, over, headers, reason] of cases) {
    const a = await post(path, item(over), headers)
    expect(a.status, a.text).toBe(202)
    expect(a.headers['x-hitring-drop']).toBe(reason)
    expect(a.text).toBe('')
  }
})

test('a batch mixing accepted, rejected and dropped items gets the same per-item answer as before', async () => {
  const items = [
    item({ id: 'order-1', timestamp: past }),
    item({ id: 'order-2', dnt: true, timestamp: past }),
    item({ id: 'order-3', visitor_ip: '203.0.113.200' }),
    item({ id: 'order-4', visitor_ip: 'nope' }),
    item({ type: 'pageview', name: undefined, referrer: 'https://semalt.com/' }),
    item({ type: 'pageview', name: undefined, url: 'https://www.mirror.example/', timestamp: past }),
    item({ id: 'order-5' }),
  ]
  const a = await post('/api/ingest/batch', items)
  expect(a.status, a.text).toBe(202)
  expect(a.json()).toEqual({
    accepted: 6,
    rejected: [
      {
        index: 3,
        code: 'invalid_field',
        message: 'visitor_ip: must be a valid IPv4 or IPv6 address',
        field: 'visitor_ip',
      },
    ],
    duplicates: [],
    dropped: [
      { index: 1, reason: 'dnt' },
      { index: 2, reason: 'excluded_ip' },
      { index: 4, reason: 'spam_referrer' },
      { index: 5, reason: 'hostname_not_allowed' },
    ],
  })
  // NDJSON goes through the same path; a durable batch of drops only is answered too.
  const ndjson = [item({ dnt: true, timestamp: past }), item({ visitor_ip: '203.0.113.1', timestamp: past })]
    .map((x) => JSON.stringify(x))
    .join('\n')
  const b = await send(`${server.url}/api/ingest/batch`, {
    body: ndjson,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-ndjson', 'X-Hitring-Ack': 'durable' },
  })
  expect(b.status, b.text).toBe(202)
  expect(b.json()).toEqual({
    accepted: 2,
    rejected: [],
    duplicates: [],
    dropped: [
      { index: 0, reason: 'dnt' },
      { index: 1, reason: 'excluded_ip' },
    ],
  })
})

test('after the drain, each site counts its server-side drops by reason, on the day of their timestamp', async () => {
  const metrics = (await send(`${server.url}/metrics`, { method: 'GET' })).text
  for (const [reason, n] of [
    ['dnt', 4],
    ['excluded_ip', 3],
    ['hostname_not_allowed', 2],
    ['spam_referrer', 2],
  ] as const) {
    expect(metrics).toContain(`hitring_ingest_dropped_total{reason="${reason}"} ${n}\n`)
  }
  await waitFor(() => storedEventCount(dir.path) === 2, 3000, 'the two accepted items')
  const pastShop = { excluded_ip: 2, spam_referrer: 1, dnt: 3 }
  const recentShop = { dnt: 1, excluded_ip: 1, spam_referrer: 1 }
  await waitFor(
    () => JSON.stringify(sorted(droppedOn(shopId, PAST))) === JSON.stringify(sorted(pastShop)),
    3000,
    'the back-filled drops of shop.example',
  )
  expect(droppedOn(shopId, RECENT)).toEqual(recentShop)
  expect(droppedOn(mirrorId, PAST)).toEqual({ hostname_not_allowed: 1 })
  expect(droppedOn(mirrorId, RECENT)).toEqual({ hostname_not_allowed: 1 })
  // The back-filled drops patched the packed copy of their closed day (checked by verify below).
  withStore(dir.path, (store) => {
    const site = getSite(store, shopId)!
    expect(
      store.packed.get([site.num, Metric.DROPPED, Granularity.DAY, localBuckets(site.timezone, PAST).day]),
    ).toBeDefined()
  })
})

test('a time-zone change re-buckets the drops, losing none; hitring verify exits 0 once the server stops', async () => {
  const total = (siteId: string) =>
    Object.values(droppedOn(siteId, PAST - DAY_MS, RECENT + DAY_MS)).reduce((a, b) => a + b, 0)
  expect(total(shopId)).toBe(9)
  const zoned = await call(server.url, 'PATCH', `/api/sites/${shopId}`, { cookie }, { timezone: 'Pacific/Chatham' })
  expect(zoned.status, zoned.text).toBe(200)
  expect(total(shopId)).toBe(9)
  expect(await server.stop()).toBe(0)
  const verify = spawnSync(process.execPath, [CLI, 'verify', '-data-path', dir.path], { encoding: 'utf8' })
  expect(verify.stderr).toBe('')
  expect(verify.status).toBe(0)
  expect(JSON.parse(verify.stdout)).toMatchObject({ events: 2, mismatches: 0 })
})

function sorted(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)))
}
