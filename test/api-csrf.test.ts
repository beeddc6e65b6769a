/**
 * CSRF: a cookie-authenticated write under /api/ is refused (403 cross_site_request) when its Origin —
 * or, without one, its Referer — is not the public URL's origin, or when Sec-Fetch-Site is cross-site.
 * No such headers (curl, server code) is allowed; API-token requests are exempt; reads are not checked.
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

const PUBLIC = 'https://stats.example.test'
let api: ApiServer
let cookie: string
let site: string
let token: string
let n = 0

beforeAll(async () => {
  api = await startApiServer([...GENEROUS, '-public-url', `${PUBLIC}/`])
  cookie = await initialUser(api.url)
  site = (await createSite(api.url, cookie, 'csrf.example')).id
  token = (await createApiClient(api.url, cookie, [{ site_id: site, role: 'editor' }])).token
})
afterAll(async () => {
  await api?.stop()
})

const createGoal = (headers: Record<string, string>, auth: { cookie?: string; token?: string } = { cookie }) =>
  call(
    api.url,
    'POST',
    `/api/sites/${site}/goals`,
    auth,
    { name: `Goal ${++n}`, type: 'event', value: 'signup' },
    headers,
  )

test.each([
  ['a foreign Origin', { Origin: 'https://evil.example' }],
  ['the public host on another scheme', { Origin: 'http://stats.example.test' }],
  ['the public host on another port', { Origin: 'https://stats.example.test:8443' }],
  ['a sibling subdomain', { Origin: 'https://evil.stats.example.test' }],
  ['Origin: null (sandboxed frame, data: URL)', { Origin: 'null' }],
  ['a matching Referer but a foreign Origin', { Origin: 'https://evil.example', Referer: `${PUBLIC}/dashboard` }],
  ['a foreign Referer and no Origin', { Referer: 'https://evil.example/page' }],
  ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
  ['Sec-Fetch-Site: cross-site with a matching Origin', { 'Sec-Fetch-Site': 'cross-site', Origin: PUBLIC }],
])('%s → 403', async (_label, headers) => {
  const a = await createGoal(headers)
  expectError(a, 403, 'cross_site_request')
})

test.each([
  ['the public origin', { Origin: PUBLIC }],
  ['the public origin, different case and default port', { Origin: 'HTTPS://Stats.Example.Test:443' }],
  ['a Referer on the public origin (no Origin)', { Referer: `${PUBLIC}/sites/1?x=y` }],
  ['Sec-Fetch-Site: same-origin with the public Origin', { 'Sec-Fetch-Site': 'same-origin', Origin: PUBLIC }],
  ['no Origin, Referer or Sec-Fetch-Site (curl)', {}],
])('%s → allowed', async (_label, headers) => {
  expect((await createGoal(headers)).status).toBe(201)
})

test('API-token requests are exempt, even with a foreign Origin', async () => {
  expect((await createGoal({ Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' }, { token })).status).toBe(
    201,
  )
})

test('reads are not refused for their Origin', async () => {
  expect(
    (await call(api.url, 'GET', `/api/sites/${site}/goals`, { cookie }, undefined, { Origin: 'https://evil.example' }))
      .status,
  ).toBe(200)
})

test('login and logout are checked too (login CSRF), and nothing was created by the refused requests', async () => {
  const login = await call(
    api.url,
    'POST',
    '/api/login',
    {},
    { email: 'owner@example.test', password: 'x' },
    { Origin: 'https://evil.example' },
  )
  expectError(login, 403, 'cross_site_request')
  expectError(
    await call(api.url, 'POST', '/api/logout', { cookie }, undefined, { Origin: 'https://evil.example' }),
    403,
    'cross_site_request',
  )
  expect((await call(api.url, 'GET', '/api/me', { cookie })).status).toBe(200)
  const goals = (await call(api.url, 'GET', `/api/sites/${site}/goals`, { cookie })).json()
  expect(goals).toHaveLength(6) // the five allowed + the token's
})
