/**
 * `GET /api/sites/{id}/drops` over real HTTP: drops of known reasons, caused the way visitors and
 * backends cause them — a headless browser (bot), a prefetch, a spam referrer, server-side events from
 * an excluded IP (one back-filled two days) — are answered with the exact total, the reasons by count
 * and one chart point per bucket; the range is parsed and refused exactly as for /stats; a site without
 * a role is 404; the route is in the OpenAPI document.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { send } from './helpers/http.js'
import { waitFor } from './helpers/server.js'
import { withStore } from './helpers/store.js'
import {
  addUser,
  call,
  createApiClient,
  createSite,
  expectError,
  GENEROUS,
  initialUser,
  login,
  startApiServer,
  type ApiServer,
} from './helpers/api.js'
import { siteDrops } from '../src/query/index.js'
import { DropReason } from '../src/event/drops.js'
import { getSite } from '../src/store/sites.js'

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'
const HEADLESS = CHROME.replace('Chrome/', 'HeadlessChrome/')
const HOUR = 3_600_000
/** A back-filled drop: two days ago (inside the 7-day back-fill window), 20 minutes into its UTC hour. */
const PAST_HOUR = Math.floor((Date.now() - 2 * 24 * HOUR) / HOUR) * HOUR
const PAST = PAST_HOUR + 20 * 60_000
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z')
const EXPECTED = [
  { reason: 'excluded_ip', count: 4 },
  { reason: 'bot', count: 2 },
  // A tie: by reason.
  { reason: 'prefetch', count: 1 },
  { reason: 'spam_referrer', count: 1 },
]

let api: ApiServer
let cookie: string
let site: string
let quiet: string

beforeAll(async () => {
  api = await startApiServer(GENEROUS)
  cookie = await initialUser(api.url)
  site = (await createSite(api.url, cookie, 'drops.example', 'UTC')).id
  quiet = (await createSite(api.url, cookie, 'quiet.example', 'UTC')).id
  // Before any event reaches the site, so the ingest path's first read of it has the exclusion.
  const excluded = await call(
    api.url,
    'POST',
    `/api/sites/${site}/exclusions`,
    { cookie },
    { excluded_ips: ['203.0.113.0/24'] },
  )
  expect(excluded.status, excluded.text).toBe(200)
  const token = (await createApiClient(api.url, cookie, [{ site_id: site, role: 'editor' }])).token

  const browser = async (headers: Record<string, string>, body: object, reason: string) => {
    const a = await send(`${api.url}/ingest`, {
      body: JSON.stringify({ site_id: site, url: 'https://drops.example/pricing', referrer: '', ...body }),
      headers: { 'Content-Type': 'application/json', 'User-Agent': CHROME, ...headers },
    })
    expect(a.status, a.text).toBe(202)
    expect(a.headers['x-hitring-drop']).toBe(reason)
  }
  await browser({ 'User-Agent': HEADLESS }, {}, 'bot')
  await browser({ 'User-Agent': HEADLESS, Origin: 'https://drops.example' }, {}, 'bot')
  await browser({ 'Sec-Purpose': 'prefetch' }, {}, 'prefetch')
  await browser({}, { referrer: 'https://semalt.com/crawler' }, 'spam_referrer')
  for (const timestamp of [Date.now(), Date.now(), Date.now(), PAST]) {
    const event = {
      url: 'https://drops.example/checkout',
      timestamp: new Date(timestamp).toISOString(),
      visitor_ip: '203.0.113.9',
      user_agent: CHROME,
      name: 'purchase',
    }
    const a = await call(api.url, 'POST', '/api/ingest/server/event', { token }, event)
    expect(a.status, a.text).toBe(202)
    expect(a.headers['x-hitring-drop']).toBe('excluded_ip')
  }
  await waitFor(async () => (await get(site, '')).total === 8, 5000, 'the eight drops in the rollup')
})
afterAll(async () => {
  await api?.stop()
})

async function get(id: string, query: string, auth: { cookie?: string; token?: string } = { cookie }) {
  const a = await call(api.url, 'GET', `/api/sites/${id}/drops${query}`, auth)
  expect(a.status, a.text).toBe(200)
  return a.json()
}

test('the last 30 days: the exact total, every reason by count then name, one point per day with zeros', async () => {
  const drops = await get(site, '')
  expect(drops.total).toBe(8)
  expect(drops.reasons).toEqual(EXPECTED)
  expect(drops.range).toMatchObject({ tz: 'UTC', interval: 'day' })
  expect(drops.timeseries).toHaveLength(30)
  expect(drops.timeseries.reduce((n: number, p: { dropped: number }) => n + p.dropped, 0)).toBe(8)
  // The back-filled drop counts on its own day; the days without drops are there, as zeros.
  const pastDay = `${iso(PAST).slice(0, 10)}T00:00:00Z`
  expect(drops.timeseries.find((p: { time: string }) => p.time === pastDay)).toEqual({ time: pastDay, dropped: 1 })
  expect(drops.timeseries.filter((p: { dropped: number }) => p.dropped === 0).length).toBeGreaterThanOrEqual(27)
})

test('instants: three hours around the back-filled drop, by the hour', async () => {
  const drops = await get(site, `?from=${iso(PAST_HOUR - HOUR)}&to=${iso(PAST_HOUR + 2 * HOUR)}`)
  expect(drops).toEqual({
    range: {
      from: iso(PAST_HOUR - HOUR),
      to: iso(PAST_HOUR + 2 * HOUR),
      tz: 'UTC',
      interval: 'hour',
      start: iso(PAST_HOUR - HOUR),
      end: iso(PAST_HOUR + 2 * HOUR),
    },
    total: 1,
    reasons: [{ reason: 'excluded_ip', count: 1 }],
    timeseries: [
      { time: iso(PAST_HOUR - HOUR), dropped: 0 },
      { time: iso(PAST_HOUR), dropped: 1 },
      { time: iso(PAST_HOUR + HOUR), dropped: 0 },
    ],
  })
})

test('another time zone is answered exactly: the local day of the back-filled drop in Asia/Kathmandu', async () => {
  const day = new Date(PAST + (5 * 60 + 45) * 60_000).toISOString().slice(0, 10)
  const drops = await get(site, `?from=${day}&to=${day}&tz=Asia/Kathmandu&interval=day`)
  // Echoed in ICU's canonical spelling (Node's is Asia/Katmandu).
  expect(drops.range).toMatchObject({
    from: day,
    to: day,
    tz: expect.stringMatching(/^Asia\/Kath?mandu$/),
    interval: 'day',
  })
  expect(drops.total).toBe(1)
  expect(drops.timeseries).toEqual([{ time: `${day}T00:00:00+05:45`, dropped: 1 }])
})

test('the range is echoed exactly as /stats echoes it, and the answer is what the query layer computes', async () => {
  for (const q of [
    '',
    '?interval=week',
    '?from=2026-01-01&to=2026-01-31',
    `?from=${iso(PAST_HOUR)}&to=${iso(PAST_HOUR + 24 * HOUR)}&tz=Europe/Berlin`,
  ]) {
    const stats = await call(api.url, 'GET', `/api/sites/${site}/stats${q}`, { cookie })
    expect((await get(site, q)).range, q).toEqual(stats.json().range)
  }
  const now = Date.now()
  const direct = withStore(api.dataPath, (store) =>
    JSON.parse(JSON.stringify(siteDrops(store, getSite(store, site)!, { interval: 'day' }, now))),
  )
  expect(await get(site, '?interval=day')).toEqual(direct)
})

test('a site without drops: total 0, no reasons, every point zero', async () => {
  const drops = await get(quiet, '?from=2026-03-01&to=2026-03-07')
  expect(drops.total).toBe(0)
  expect(drops.reasons).toEqual([])
  expect(drops.timeseries.map((p: { dropped: number }) => p.dropped)).toEqual([0, 0, 0, 0, 0, 0, 0])
})

test('bad parameters are refused with 400 and the same JSON error as /stats', async () => {
  const cases: Array<[string, string, string]> = [
    ['?from=yesterday', 'invalid_parameter', 'from'],
    ['?from=2026-03-02&to=2026-03-01', 'invalid_range', 'from'],
    ['?from=2026-03-01T10:05:00', 'invalid_parameter', 'from'], // no offset: which zone?
    ['?tz=Mars/Olympus', 'invalid_parameter', 'tz'],
    ['?interval=fortnight', 'invalid_field', 'interval'],
    ['?from=2016-01-01&to=2026-01-01&interval=hour', 'range_too_large', 'interval'],
  ]
  for (const [q, code, field] of cases) {
    const a = await call(api.url, 'GET', `/api/sites/${site}/drops${q}`, { cookie })
    expectError(a, 400, code)
    expect(a.json().field, q).toBe(field)
    const stats = await call(api.url, 'GET', `/api/sites/${site}/stats${q}`, { cookie })
    expect(a.json(), q).toEqual(stats.json())
  }
  const bad = await call(api.url, 'GET', `/api/sites/${site}/drops?from=yesterday`, { cookie })
  expect(bad.json()).toEqual({
    code: 'invalid_parameter',
    message:
      'from: expected a date such as 2026-03-29 or an RFC 3339 instant such as 2026-03-29T10:12:00Z, got "yesterday"',
    field: 'from',
    fields: [
      {
        field: 'from',
        message:
          'expected a date such as 2026-03-29 or an RFC 3339 instant such as 2026-03-29T10:12:00Z, got "yesterday"',
      },
    ],
  })
  // No filter applies to drops: refused, never ignored.
  const filtered = await call(api.url, 'GET', `/api/sites/${site}/drops?filter=path:/pricing`, { cookie })
  expectError(filtered, 400, 'unsupported_filter')
  expect(filtered.json().field).toBe('filter')
})

test('any role may read; a site without a role is 404 (as if it did not exist); no credentials is 401', async () => {
  expectError(await call(api.url, 'GET', `/api/sites/${site}/drops`), 401, 'unauthorized')
  addUser(api.dataPath, 'vera@example.test')
  const vera = await login(api.url, 'vera@example.test')
  const hidden = await call(api.url, 'GET', `/api/sites/${site}/drops`, { cookie: vera })
  expectError(hidden, 404, 'unknown_site')
  expect(hidden.json().message).toBe(`No site with the id ${JSON.stringify(site)} is visible to you`)
  expectError(await call(api.url, 'GET', '/api/sites/no-such-site/drops', { cookie: vera }), 404, 'unknown_site')
  // An API client of the other site only.
  const other = (await createApiClient(api.url, cookie, [{ site_id: quiet, role: 'viewer' }])).token
  expectError(await call(api.url, 'GET', `/api/sites/${site}/drops`, { token: other }), 404, 'unknown_site')
  expect((await get(quiet, '', { token: other })).total).toBe(0)

  const shared = await call(
    api.url,
    'POST',
    `/api/sites/${site}/members`,
    { cookie },
    { email: 'vera@example.test', role: 'viewer' },
  )
  expect(shared.status, shared.text).toBe(201)
  const seen = await get(site, '', { cookie: vera })
  expect(seen.total).toBe(8)
  expect(seen.reasons).toEqual(EXPECTED)
})

test('OpenAPI documents the route: its range parameters, its answer and every stored reason', async () => {
  const doc = (await call(api.url, 'GET', '/api/openapi.json')).json()
  const op = doc.paths['/api/sites/{id}/drops'].get
  expect(op.tags).toEqual(['stats'])
  expect(op.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
    'path:id',
    'query:from',
    'query:to',
    'query:tz',
    'query:interval',
    'query:filter',
  ])
  const answer = op.responses['200'].content['application/json'].schema
  expect(answer.required).toEqual(['range', 'total', 'reasons', 'timeseries'])
  expect(answer.properties.reasons.items.required).toEqual(['reason', 'count'])
  expect(answer.properties.timeseries.items.required).toEqual(['time', 'dropped'])
  for (const reason of Object.keys(DropReason))
    expect(answer.properties.reasons.items.properties.reason.description).toContain(`\`${reason}\``)
  expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '403', '404', '429'])
})
