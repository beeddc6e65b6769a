/**
 * HitKeep's server API over real HTTP: token auth (401), the site from the URL (404), the role (viewer: 403),
 * strict validation (400), dnt, exclusions on visitor_ip, and library User-Agents that are not bots.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  call,
  createApiClient,
  createSite,
  expectError,
  GENEROUS,
  initialUser,
  startApiServer,
  type ApiServer,
} from './helpers/api.js'
import { storedEventCount, withStore } from './helpers/store.js'
import { waitFor } from './helpers/server.js'
import { allBlocks } from '../src/store/events.js'
import { StringKind, stringOf } from '../src/store/strings.js'

let api: ApiServer
let editorToken: string
let viewerToken: string
let siteId: string

beforeAll(async () => {
  api = await startApiServer(GENEROUS)
  const cookie = await initialUser(api.url)
  siteId = (await createSite(api.url, cookie, 'shop.example')).id
  await createSite(api.url, cookie, 'other.example')
  editorToken = (await createApiClient(api.url, cookie, [{ site_id: siteId, role: 'editor' }])).token
  viewerToken = (await createApiClient(api.url, cookie, [{ site_id: siteId, role: 'viewer' }], 'viewer')).token
  await call(api.url, 'POST', `/api/sites/${siteId}/exclusions`, { cookie }, { excluded_ips: ['203.0.113.0/24'] })
})
afterAll(async () => api?.stop())

const now = () => new Date().toISOString()
const event = (over: Record<string, unknown> = {}) => ({
  url: 'https://www.shop.example/checkout/success?utm_source=mail',
  timestamp: now(),
  visitor_ip: '198.51.100.7',
  user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/140.0 Safari/537.36',
  name: 'purchase',
  props: { plan: 'pro', amount: 49 },
  ...over,
})

test('an event with an editor token is accepted and stored at its own timestamp, hashed by visitor_ip', async () => {
  const at = new Date(Date.now() - 3 * 3600_000).toISOString()
  const a = await call(api.url, 'POST', '/api/ingest/server/event', { token: editorToken }, event({ timestamp: at }))
  expect(a.status, a.text).toBe(202)
  const p = await call(
    api.url,
    'POST',
    '/api/ingest/server/pageview',
    { token: editorToken, apiKey: true },
    { ...event(), name: undefined, props: undefined },
  )
  expect(p.status, p.text).toBe(202)
  await waitFor(() => storedEventCount(api.dataPath) === 2, 2000, 'two events')
  withStore(api.dataPath, (store) => {
    const events = [...allBlocks(store)].flatMap(({ block }) => block.e.map((e) => ({ ts: block.t0 + e.dt, e })))
    const purchase = events.find((x) => x.e.kind === 1)!
    expect(purchase.ts).toBe(Date.parse(at))
    expect(stringOf(store, StringKind.EVENT_NAME, purchase.e.nameId)).toBe('purchase')
    expect(purchase.e.props).toEqual({ plan: 'pro', amount: 49 })
    expect(purchase.e.query).toBe('utm_source=mail')
  })
})

test.each([
  ['no token', {}, 401, 'unauthorized'],
  ['an unknown token', { token: 'hrk_nope' }, 401, 'unauthorized'],
  ['a viewer token', { token: 'VIEWER' }, 403, 'forbidden'],
])('%s → %i', async (_what, auth, status, code) => {
  const a = await call(
    api.url,
    'POST',
    '/api/ingest/server/event',
    'token' in auth && auth.token === 'VIEWER' ? { token: viewerToken } : auth,
    event(),
  )
  expectError(a, status, code)
})

test('a site the token has no grant on answers 404 like a host with no site (server-ingest-no-probing)', async () => {
  expectError(
    await call(
      api.url,
      'POST',
      '/api/ingest/server/event',
      { token: editorToken },
      event({ url: 'https://other.example/' }),
    ),
    404,
    'unknown_site',
  )
  expectError(
    await call(
      api.url,
      'POST',
      '/api/ingest/server/event',
      { token: editorToken },
      event({ url: 'https://nobody.example/' }),
    ),
    404,
    'unknown_site',
  )
})

test.each([
  ['timestamp not RFC 3339', { timestamp: '26/11/2026' }, 'timestamp'],
  ['timestamp 10 minutes ahead', { timestamp: new Date(Date.now() + 600_000).toISOString() }, 'timestamp'],
  [
    'timestamp older than the back-fill window',
    { timestamp: new Date(Date.now() - 8 * 86400_000).toISOString() },
    'timestamp',
  ],
  ['visitor_ip invalid', { visitor_ip: '999.1.1.1' }, 'visitor_ip'],
  ['user_agent missing', { user_agent: '' }, 'user_agent'],
  ['url relative', { url: '/checkout' }, 'url'],
  ['name missing', { name: undefined }, 'name'],
  ['props nested', { props: { a: { b: 1 } } }, 'props.a'],
])('%s → 400 naming %s', async (_what, over, field) => {
  const a = await call(api.url, 'POST', '/api/ingest/server/event', { token: editorToken }, event(over))
  expectError(a, 400, 'invalid_field')
  expect(a.json().fields.map((f: { field: string }) => f.field)).toContain(field)
})

test('dnt: true and an excluded visitor_ip get 202 with the reason and are not stored; curl is not a bot', async () => {
  const before = storedEventCount(api.dataPath)
  const dnt = await call(api.url, 'POST', '/api/ingest/server/event', { token: editorToken }, event({ dnt: true }))
  expect(dnt.status).toBe(202)
  expect(dnt.headers['x-hitring-drop']).toBe('dnt')
  const excluded = await call(
    api.url,
    'POST',
    '/api/ingest/server/event',
    { token: editorToken },
    event({ visitor_ip: '203.0.113.9' }),
  )
  expect(excluded.headers['x-hitring-drop']).toBe('excluded_ip')
  const curl = await call(
    api.url,
    'POST',
    '/api/ingest/server/event',
    { token: editorToken },
    event({ user_agent: 'curl/8.5.0' }),
  )
  expect(curl.status).toBe(202)
  expect(curl.headers['x-hitring-drop']).toBeUndefined()
  await waitFor(() => storedEventCount(api.dataPath) === before + 1, 2000, 'only the curl event')
})
