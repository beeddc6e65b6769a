import { afterAll, beforeAll, expect, test } from 'vitest'
import { call, createApiClient, GENEROUS, initialUser } from './helpers/api.js'
import { addSite, type ServerProcess, setSiteFilters, startServer, tempDataDir } from './helpers/server.js'
import { send } from './helpers/http.js'

const CHROME =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 ' +
  'Safari/537.36'
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'
const dir = tempDataDir()
let server: ServerProcess
let siteId: string
let openId: string
let token: string

beforeAll(async () => {
  siteId = addSite(dir.path, 'order.example')
  // Only app.order.example counts: a page on order.example itself is off the allow-list.
  const filters = ['--exclude-ips', '203.0.113.0/24', '--allowed-hostnames', 'app.order.example']
  setSiteFilters(dir.path, 'order.example', filters)
  // No filters: a server item is matched to its site by its URL's host, so one passes the allow-list here.
  openId = addSite(dir.path, 'open.example')
  const limits = ['-ingest-rate', '10000', '-ingest-burst', '10000']
  server = await startServer(dir.path, [...GENEROUS, ...limits, '-respect-dnt', '-trusted-proxies', '127.0.0.1/32'])
  const cookie = await initialUser(server.url)
  const roles = [siteId, openId].map((site_id) => ({ site_id, role: 'editor' }))
  token = (await createApiClient(server.url, cookie, roles)).token
})
afterAll(async () => {
  await server?.stop()
  dir.remove()
})

/** Every rule but the browser-request ones would drop this page view: excluded IP, off-list page, spam referrer. */
const OFF_LIST = 'https://order.example/pricing'
const SPAM = 'https://www.semalt.com/crawler'
const EXCLUDED_IP = '203.0.113.7'
const ALLOWED_IP = '198.51.100.7'

test.each([
  [
    'prefetch',
    { 'Sec-Purpose': 'prefetch', DNT: '1', 'User-Agent': GOOGLEBOT, 'X-Forwarded-For': EXCLUDED_IP },
    OFF_LIST,
    SPAM,
  ],
  ['dnt', { 'Sec-GPC': '1', 'User-Agent': GOOGLEBOT, 'X-Forwarded-For': EXCLUDED_IP }, OFF_LIST, SPAM],
  ['bot', { 'User-Agent': GOOGLEBOT, 'X-Forwarded-For': EXCLUDED_IP }, OFF_LIST, SPAM],
  ['excluded_ip', { 'User-Agent': CHROME, 'X-Forwarded-For': EXCLUDED_IP }, OFF_LIST, SPAM],
  ['hostname_not_allowed', { 'User-Agent': CHROME, 'X-Forwarded-For': ALLOWED_IP }, OFF_LIST, SPAM],
  ['spam_referrer', { 'User-Agent': CHROME, 'X-Forwarded-For': ALLOWED_IP }, 'https://app.order.example/pricing', SPAM],
])('browser: %s first', async (reason, headers, url, referrer) => {
  const a = await send(`${server.url}/ingest`, {
    body: JSON.stringify({ site_id: siteId, name: 'pageview', url, referrer }),
    headers: { 'Content-Type': 'application/json', Origin: 'https://app.order.example', ...headers },
  })
  expect(a.status, a.text).toBe(202)
  expect(a.headers['x-hitring-drop']).toBe(reason)
})

test.each([
  // The backend's own request headers say nothing about the visitor: no prefetch rule for it.
  ['dnt', { dnt: true, user_agent: GOOGLEBOT, visitor_ip: EXCLUDED_IP, url: OFF_LIST }, { 'Sec-Purpose': 'prefetch' }],
  // No bot rule either: the crawler's User-Agent does not stop the chain before the excluded IP.
  ['excluded_ip', { user_agent: GOOGLEBOT, visitor_ip: EXCLUDED_IP, url: OFF_LIST }, {}],
  ['hostname_not_allowed', { user_agent: GOOGLEBOT, visitor_ip: ALLOWED_IP, url: OFF_LIST }, {}],
  ['spam_referrer', { user_agent: GOOGLEBOT, visitor_ip: ALLOWED_IP, url: 'https://open.example/pricing' }, {}],
])('server: %s first', async (reason, over, headers) => {
  const item = { timestamp: new Date(Date.now() - 60_000).toISOString(), referrer: SPAM, ...over }
  const a = await call(server.url, 'POST', '/api/ingest/server/pageview', { token }, item, headers)
  expect(a.status, a.text).toBe(202)
  expect(a.headers['x-hitring-drop']).toBe(reason)
})

test("a server item the chain lets through is stored, even with a crawler's User-Agent", async () => {
  const timestamp = new Date(Date.now() - 60_000).toISOString()
  const item = { timestamp, user_agent: GOOGLEBOT, visitor_ip: ALLOWED_IP, url: 'https://open.example/pricing' }
  const prefetch = { 'Sec-Purpose': 'prefetch' }
  const a = await call(server.url, 'POST', '/api/ingest/server/pageview', { token }, item, prefetch)
  expect(a.status, a.text).toBe(202)
  expect(a.headers['x-hitring-drop']).toBeUndefined()
})
