/**
 * Roles on a site: a viewer reads but cannot create or delete goals or change exclusions (403); an
 * editor manages goals and exclusions but not the site itself (403); the owner does everything.
 * A viewer is an API client with a viewer grant (the only way to hold less than owner today).
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
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
let viewer: string
let editor: string

beforeAll(async () => {
  api = await startApiServer()
  cookie = await initialUser(api.url)
  site = (await createSite(api.url, cookie, 'roles.example')).id
  viewer = (await createApiClient(api.url, cookie, [{ site_id: site, role: 'viewer' }], 'viewer')).token
  editor = (await createApiClient(api.url, cookie, [{ site_id: site, role: 'editor' }], 'editor')).token
})
afterAll(async () => {
  await api?.stop()
})

test('a viewer reads goals, stats and exclusions but cannot create goals (403)', async () => {
  const goal = (
    await call(
      api.url,
      'POST',
      `/api/sites/${site}/goals`,
      { cookie },
      { name: 'Signup', type: 'event', value: 'signup' },
    )
  ).json()
  for (const path of ['', '/goals', '/stats', '/exclusions', '/realtime', '/events']) {
    expect((await call(api.url, 'GET', `/api/sites/${site}${path}`, { token: viewer })).status).toBe(200)
  }
  const refused = await call(
    api.url,
    'POST',
    `/api/sites/${site}/goals`,
    { token: viewer },
    { name: 'Pro Signup', type: 'event', value: 'signup' },
  )
  expectError(refused, 403, 'forbidden')
  expect(refused.json().message).toMatch(/editor/)
  expectError(await call(api.url, 'DELETE', `/api/sites/${site}/goals/${goal.id}`, { token: viewer }), 403, 'forbidden')
  expectError(
    await call(api.url, 'POST', `/api/sites/${site}/exclusions`, { token: viewer }, { excluded_ips: ['10.0.0.1'] }),
    403,
    'forbidden',
  )
  expect((await call(api.url, 'GET', `/api/sites/${site}/goals`, { cookie })).json()).toHaveLength(1)
})

test('an editor manages goals and exclusions, but neither the time zone nor the site', async () => {
  expect(
    (
      await call(
        api.url,
        'POST',
        `/api/sites/${site}/goals`,
        { token: editor },
        { name: 'Blog', type: 'path', value: '/blog/*' },
      )
    ).status,
  ).toBe(201)
  expect(
    (await call(api.url, 'POST', `/api/sites/${site}/exclusions`, { token: editor }, { excluded_ips: ['10.0.0.1'] }))
      .status,
  ).toBe(200)
  expectError(
    await call(api.url, 'PATCH', `/api/sites/${site}`, { token: editor }, { timezone: 'Asia/Tokyo' }),
    403,
    'forbidden',
  )
})

test('the owner changes the time zone', async () => {
  const a = await call(api.url, 'PATCH', `/api/sites/${site}`, { cookie }, { timezone: 'Asia/Kolkata' })
  expect(a.status).toBe(200)
  expect(a.json()).toMatchObject({ id: site, timezone: 'Asia/Kolkata', role: 'owner' })
})
