/**
 * API clients: created with per-site roles, the token shown once and accepted as `Authorization:
 * Bearer` or `X-Api-Key`; never more than the grant; listed without tokens; deleted → the token is dead.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { withStore } from './helpers/store.js'
import {
  call,
  createApiClient,
  createSite,
  expectError,
  initialUser,
  startApiServer,
  type ApiServer,
} from './helpers/api.js'

let api: ApiServer
let cookie: string
let site: string
let other: string

beforeAll(async () => {
  api = await startApiServer()
  cookie = await initialUser(api.url)
  site = (await createSite(api.url, cookie, 'granted.example')).id
  other = (await createSite(api.url, cookie, 'not-granted.example')).id
})
afterAll(async () => {
  await api?.stop()
})

test('a token works as Bearer and as X-Api-Key, and only on its granted sites', async () => {
  const { client, token } = await createApiClient(api.url, cookie, [{ site_id: site, role: 'editor' }])
  expect(token).toMatch(/^hrk_[A-Za-z0-9_-]{43}$/)
  expect(client).toMatchObject({ name: 'script', site_roles: [{ site_id: site, role: 'editor' }] })

  for (const auth of [{ token }, { token, apiKey: true }]) {
    const goal = await call(api.url, 'POST', `/api/sites/${site}/goals`, auth, {
      name: 'Signup',
      type: 'event',
      value: 'signup',
    })
    expect(goal.status).toBe(201)
    expect((await call(api.url, 'GET', '/api/sites', auth)).json().map((s: any) => [s.id, s.role])).toEqual([
      [site, 'editor'],
    ])
    expectError(await call(api.url, 'GET', `/api/sites/${other}`, auth), 404, 'unknown_site')
  }
  // Editor, not owner: the time zone is the owner's to change.
  expectError(
    await call(api.url, 'PATCH', `/api/sites/${site}`, { token }, { timezone: 'Europe/Paris' }),
    403,
    'forbidden',
  )
  expect((await call(api.url, 'GET', '/api/me', { token })).json()).toMatchObject({
    auth: { kind: 'api_client', api_client: { id: client.id } },
  })
})

test('the token is stored only as a hash', async () => {
  const { token } = await createApiClient(api.url, cookie, [{ site_id: site, role: 'viewer' }], 'hashed')
  const raw = withStore(api.dataPath, (store) =>
    JSON.stringify([...store.apiClients.getRange({})].concat([...store.apiTokens.getRange({})] as any)),
  )
  expect(raw).not.toContain(token)
  expect(raw).not.toContain(token.slice(4))
})

test('a token cannot manage tokens or make sites (session_required); a wrong token is 401, cookie or not', async () => {
  const { token } = await createApiClient(api.url, cookie, [{ site_id: site, role: 'owner' }], 'owner-token')
  expectError(
    await call(api.url, 'POST', '/api/user/api-clients', { token }, { name: 'x', site_roles: [] }),
    403,
    'session_required',
  )
  expectError(await call(api.url, 'GET', '/api/user/api-clients', { token }), 403, 'session_required')
  expectError(
    await call(api.url, 'POST', '/api/sites', { token }, { domain: 'by-token.example' }),
    403,
    'session_required',
  )
  expectError(await call(api.url, 'GET', '/api/sites', { token: `hrk_${'x'.repeat(43)}` }), 401, 'unauthorized')
  expectError(await call(api.url, 'GET', '/api/sites', { cookie, token: 'wrong' }), 401, 'unauthorized')
  expectError(
    await call(api.url, 'GET', '/api/sites', {}, undefined, { Authorization: 'Basic dXNlcjpwYXNz' }),
    401,
    'unauthorized',
  )
})

test('grants are checked: an invisible site is 404, a duplicate site is 400', async () => {
  const unknown = await call(
    api.url,
    'POST',
    '/api/user/api-clients',
    { cookie },
    { name: 'x', site_roles: [{ site_id: '00000000-0000-4000-8000-000000000000', role: 'viewer' }] },
  )
  expectError(unknown, 404, 'unknown_site')
  const twice = await call(
    api.url,
    'POST',
    '/api/user/api-clients',
    { cookie },
    {
      name: 'x',
      site_roles: [
        { site_id: site, role: 'viewer' },
        { site_id: site, role: 'editor' },
      ],
    },
  )
  expectError(twice, 400, 'invalid_field')
  expect(twice.json().field).toBe('site_roles.1.site_id')
  expectError(
    await call(
      api.url,
      'POST',
      '/api/user/api-clients',
      { cookie },
      { name: 'x', site_roles: [{ site_id: site, role: 'admin' }] },
    ),
    400,
    'invalid_field',
  )
})

test('list shows clients without tokens; delete kills the token at once; deleting again is 404', async () => {
  const { client, token } = await createApiClient(api.url, cookie, [{ site_id: site, role: 'viewer' }], 'short-lived')
  const list = await call(api.url, 'GET', '/api/user/api-clients', { cookie })
  expect(list.status).toBe(200)
  expect(list.json()).toContainEqual({
    id: client.id,
    name: 'short-lived',
    site_roles: [{ site_id: site, role: 'viewer' }],
    created_at: expect.any(String),
  })
  expect(list.text).not.toMatch(/hrk_|token_hash/)
  expect(list.json().map((c: any) => c.created_at)).toEqual(
    list
      .json()
      .map((c: any) => c.created_at)
      .sort(),
  )
  expect((await call(api.url, 'GET', `/api/sites/${site}`, { token })).status).toBe(200)

  expect((await call(api.url, 'DELETE', `/api/user/api-clients/${client.id}`, { cookie })).status).toBe(204)
  expectError(await call(api.url, 'GET', `/api/sites/${site}`, { token }), 401, 'unauthorized')
  expectError(
    await call(api.url, 'DELETE', `/api/user/api-clients/${client.id}`, { cookie }),
    404,
    'unknown_api_client',
  )
})
