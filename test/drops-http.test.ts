import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { addSite, type ServerProcess, setSiteFilters, startServer, tempDataDir, waitFor } from './helpers/server.js'
import { send } from './helpers/http.js'
import { storedEventCount, withStore } from './helpers/store.js'
import { breakdownDays } from '../src/query/kpis.js'
import { Metric } from '../src/store/metrics.js'
import { getSite } from '../src/store/sites.js'
import { StringKind, stringOf } from '../src/store/strings.js'
import { localBuckets } from '../src/store/buckets.js'

const CHROME =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 ' +
  'Safari/537.36'
const dir = tempDataDir()
let server: ServerProcess
let siteId: string

beforeAll(async () => {
  siteId = addSite(dir.path, 'shop.example')
  setSiteFilters(dir.path, 'shop.example', [
    '--exclude-ips',
    '203.0.113.0/24,2001:db8::/32',
    '--allowed-hostnames',
    'shop.example,*.shop.example',
  ])
  server = await startServer(dir.path, [
    '-respect-dnt',
    '-trusted-proxies',
    '127.0.0.1/32',
    '-ingest-rate',
    '10000',
    '-ingest-burst',
    '10000',
  ])
})
afterAll(async () => {
  await server?.stop()
  dir.remove()
})

const base = { site_id: '', name: 'signup', url: 'https://shop.example/pricing', referrer: '' }
const post = (path: string, body: object, headers: Record<string, string>) =>
  send(`${server.url}${path}`, {
    body: JSON.stringify({ ...base, site_id: siteId, ...body }),
    headers: { 'Content-Type': 'application/json', ...headers },
  })
const browser = { Origin: 'https://shop.example', 'User-Agent': CHROME }

test.each([
  [
    'a crawler',
    '/ingest',
    {},
    { ...browser, 'User-Agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
    'bot',
  ],
  [
    'a headless browser',
    '/ingest/event',
    {},
    { ...browser, 'User-Agent': CHROME.replace('Chrome/', 'HeadlessChrome/') },
    'bot',
  ],
  ['a browser event with no User-Agent', '/ingest/event', {}, { Origin: 'https://shop.example' }, 'bot'],
  ['a prefetch', '/ingest', {}, { ...browser, 'Sec-Purpose': 'prefetch' }, 'prefetch'],
  ['Do Not Track', '/ingest', {}, { ...browser, DNT: '1' }, 'dnt'],
  ['Global Privacy Control', '/ingest/event', {}, { ...browser, 'Sec-GPC': '1' }, 'dnt'],
  [
    'an excluded IPv4 behind the trusted proxy',
    '/ingest',
    {},
    { ...browser, 'X-Forwarded-For': '203.0.113.77' },
    'excluded_ip',
  ],
  ['an excluded IPv6 network', '/ingest/event', {}, { 'X-Forwarded-For': '2001:db8:1::5' }, 'excluded_ip'],
  [
    'a page on a hostname outside the allow-list',
    '/ingest',
    { url: 'https://copy-of-shop.example/pricing' },
    browser,
    'hostname_not_allowed',
  ],
  ['a spam referrer', '/ingest', { referrer: 'https://www.semalt.com/crawler' }, browser, 'spam_referrer'],
])('%s (%s) → 202 with a drop reason', async (_what, path, body, headers, reason) => {
  const a = await post(path, body, headers)
  expect(a.status).toBe(202)
  expect(a.headers['x-hitring-drop']).toBe(reason)
})

test.each([['curl/8.5.0'], ['python-requests/2.31.0'], ['node']])(
  'a backend custom event (no Origin) from %s is stored, not taken for a bot',
  async (ua) => {
    const a = await post('/ingest/event', { name: 'purchase' }, { 'User-Agent': ua })
    expect(a.status).toBe(202)
    expect(a.headers['x-hitring-drop']).toBeUndefined()
  },
)

test('allowed hostnames include subdomains by wildcard and the www. form', async () => {
  for (const url of ['https://www.shop.example/a', 'https://eu.shop.example/b']) {
    const a = await post('/ingest', { url }, browser)
    expect(a.headers['x-hitring-drop']).toBeUndefined()
  }
})

test('drops are counted in /metrics by reason and in the site rollup; only real events are stored', async () => {
  const metrics = (await send(`${server.url}/metrics`, { method: 'GET' })).text
  for (const [reason, n] of [
    ['bot', 3],
    ['prefetch', 1],
    ['dnt', 2],
    ['excluded_ip', 2],
    ['hostname_not_allowed', 1],
    ['spam_referrer', 1],
  ] as const) {
    expect(metrics).toContain(`hitring_ingest_dropped_total{reason="${reason}"} ${n}\n`)
  }
  await waitFor(() => storedEventCount(dir.path) === 5, 2000, 'the five real events')
  await waitFor(
    () =>
      withStore(dir.path, (store) => {
        const site = getSite(store, siteId)!
        const today = localBuckets(site.timezone, Date.now()).day
        const byReason = breakdownDays(store, site.num, Metric.DROPPED, today - 1, today)
        const named = Object.fromEntries(
          [...byReason].map(([id, n]) => [stringOf(store, StringKind.DROP_REASON, id), n]),
        )
        return isDeepStrictEqual(named, {
          bot: 3,
          prefetch: 1,
          dnt: 2,
          excluded_ip: 2,
          hostname_not_allowed: 1,
          spam_referrer: 1,
        })
      }),
    2000,
    'the DROPPED rollup by reason',
  )
})
