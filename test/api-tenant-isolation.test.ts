/**
 * Tenant isolation: user B can neither read nor change user A's site — every route answers 404, exactly
 * as for a site that does not exist, so B cannot even learn that it does.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  addUser,
  call,
  createSite,
  expectError,
  initialUser,
  login,
  startApiServer,
  type ApiServer,
} from './helpers/api.js'

let api: ApiServer
let alice: string
let bob: string
let aliceSite: string
let aliceGoal: string

beforeAll(async () => {
  api = await startApiServer()
  alice = await initialUser(api.url, 'alice@example.test')
  addUser(api.dataPath, 'bob@example.test')
  bob = await login(api.url, 'bob@example.test')
  aliceSite = (await createSite(api.url, alice, 'alice.example')).id
  aliceGoal = (
    await call(
      api.url,
      'POST',
      `/api/sites/${aliceSite}/goals`,
      { cookie: alice },
      { name: 'Signup', type: 'event', value: 'signup' },
    )
  ).json().id
  await createSite(api.url, bob, 'bob.example')
})
afterAll(async () => {
  await api?.stop()
})

test("B's site list has only B's site", async () => {
  expect((await call(api.url, 'GET', '/api/sites', { cookie: bob })).json().map((s: any) => s.domain)).toEqual([
    'bob.example',
  ])
  expect((await call(api.url, 'GET', '/api/sites', { cookie: alice })).json().map((s: any) => s.domain)).toEqual([
    'alice.example',
  ])
})

const attempts: Array<[string, string, unknown?]> = [
  ['GET', ''],
  ['PATCH', '', { timezone: 'Asia/Tokyo' }],
  ['DELETE', ''],
  ['GET', '/goals'],
  ['POST', '/goals', { name: 'x', type: 'event', value: 'x' }],
  ['DELETE', '/goals/GOAL'],
  ['GET', '/goals/timeseries'],
  ['GET', '/stats'],
  ['GET', '/events'],
  ['GET', '/events/signup/properties'],
  ['GET', '/events/signup/properties/plan'],
  ['GET', '/events/signup/timeseries'],
  ['GET', '/realtime'],
  ['GET', '/stream'],
  ['GET', '/exclusions'],
  ['POST', '/exclusions', { excluded_ips: ['10.0.0.1'] }],
  ['DELETE', '/exclusions', { excluded_ips: ['10.0.0.1'] }],
]

test.each(attempts)("B's %s %s on A's site is a 404 like a site that does not exist", async (method, path, body) => {
  const p = path.replace('GOAL', aliceGoal)
  const theirs = await call(api.url, method, `/api/sites/${aliceSite}${p}`, { cookie: bob }, body)
  const nobodys = await call(
    api.url,
    method,
    `/api/sites/00000000-0000-4000-8000-000000000000${p}`,
    { cookie: bob },
    body,
  )
  expectError(theirs, 404, 'unknown_site')
  expect(theirs.text.replace(aliceSite, 'ID')).toBe(nobodys.text.replace('00000000-0000-4000-8000-000000000000', 'ID'))
})

test("and A's site is untouched", async () => {
  const site = (await call(api.url, 'GET', `/api/sites/${aliceSite}`, { cookie: alice })).json()
  expect(site).toMatchObject({ domain: 'alice.example', timezone: 'UTC' })
  expect(
    (await call(api.url, 'GET', `/api/sites/${aliceSite}/goals`, { cookie: alice })).json().map((g: any) => g.id),
  ).toEqual([aliceGoal])
  expect((await call(api.url, 'GET', `/api/sites/${aliceSite}/exclusions`, { cookie: alice })).json()).toEqual({
    excluded_ips: [],
    allowed_hostnames: [],
  })
})

test("B cannot grant an API client a role on A's site (404)", async () => {
  const a = await call(
    api.url,
    'POST',
    '/api/user/api-clients',
    { cookie: bob },
    { name: 'sneaky', site_roles: [{ site_id: aliceSite, role: 'viewer' }] },
  )
  expectError(a, 404, 'unknown_site')
})
