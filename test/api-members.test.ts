/**
 * Sharing a site: the owner gives an existing user a role by e-mail, changes it, and takes it away; the
 * role works at once on every site route. Owners only — a member may only remove themselves — and a site
 * never loses its last owner. A user without a role sees 404s, as on every site route.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  addUser,
  call,
  createApiClient,
  createSite,
  expectError,
  initialUser,
  login,
  startApiServer,
  type ApiServer,
} from './helpers/api.js'

const NOBODY = '00000000-0000-4000-8000-000000000000'

let api: ApiServer
let owner: string
let site: string
const users = {} as Record<'owner' | 'vera' | 'stranger' | 'leo', { id: string; cookie: string }>

const members = (path = '') => `/api/sites/${site}/members${path}`
const signup = { name: 'Signup', type: 'event', value: 'signup' }

beforeAll(async () => {
  api = await startApiServer()
  owner = await initialUser(api.url, 'owner@example.test')
  site = (await createSite(api.url, owner, 'shared.example')).id
  for (const name of ['vera', 'stranger', 'leo'] as const) {
    const { id } = addUser(api.dataPath, `${name}@example.test`)
    users[name] = { id, cookie: await login(api.url, `${name}@example.test`) }
  }
  const me = (await call(api.url, 'GET', '/api/me', { cookie: owner })).json()
  users.owner = { id: me.id, cookie: owner }
})
afterAll(async () => {
  await api?.stop()
})

test('a new site has its creator as its only member, an owner', async () => {
  const a = await call(api.url, 'GET', members(), { cookie: owner })
  expect(a.status, a.text).toBe(200)
  expect(a.json()).toEqual([{ user_id: users.owner.id, email: 'owner@example.test', role: 'owner' }])
})

test('the owner adds a viewer by e-mail: they see the site and its stats, but cannot create a goal (403)', async () => {
  const added = await call(
    api.url,
    'POST',
    members(),
    { cookie: owner },
    { email: ' Vera@Example.TEST ', role: 'viewer' },
  )
  expect(added.status, added.text).toBe(201)
  expect(added.json()).toEqual({ user_id: users.vera.id, email: 'vera@example.test', role: 'viewer' })

  const vera = { cookie: users.vera.cookie }
  expect((await call(api.url, 'GET', '/api/sites', vera)).json()).toEqual([
    expect.objectContaining({ id: site, domain: 'shared.example', role: 'viewer' }),
  ])
  expect((await call(api.url, 'GET', `/api/sites/${site}/stats`, vera)).status).toBe(200)
  expect((await call(api.url, 'GET', `/api/sites/${site}/goals`, vera)).status).toBe(200)
  expectError(await call(api.url, 'POST', `/api/sites/${site}/goals`, vera, signup), 403, 'forbidden')
  // Viewers neither list nor change the members.
  expectError(await call(api.url, 'GET', members(), vera), 403, 'forbidden')
  expectError(
    await call(api.url, 'POST', members(), vera, { email: 'leo@example.test', role: 'viewer' }),
    403,
    'forbidden',
  )
  expectError(await call(api.url, 'DELETE', members(`/${users.owner.id}`), vera), 403, 'forbidden')
})

test('posting a member again changes their role (200): the editor creates a goal', async () => {
  const changed = await call(
    api.url,
    'POST',
    members(),
    { cookie: owner },
    { email: 'vera@example.test', role: 'editor' },
  )
  expect(changed.status, changed.text).toBe(200)
  expect(changed.json()).toEqual({ user_id: users.vera.id, email: 'vera@example.test', role: 'editor' })
  expect((await call(api.url, 'POST', `/api/sites/${site}/goals`, { cookie: users.vera.cookie }, signup)).status).toBe(
    201,
  )
  const list = (await call(api.url, 'GET', members(), { cookie: owner })).json()
  expect(list.map((m: any) => [m.email, m.role])).toEqual([
    ['owner@example.test', 'owner'],
    ['vera@example.test', 'editor'],
  ])
})

test('a user without a role gets 404 on every members route, exactly as for a site that does not exist', async () => {
  const stranger = { cookie: users.stranger.cookie }
  const attempts: Array<[string, string, unknown?]> = [
    ['GET', ''],
    ['POST', '', { email: 'stranger@example.test', role: 'owner' }],
    ['DELETE', `/${users.vera.id}`],
    ['DELETE', `/${users.stranger.id}`],
  ]
  for (const [method, path, body] of attempts) {
    const theirs = await call(api.url, method, members(path), stranger, body)
    const nobodys = await call(api.url, method, `/api/sites/${NOBODY}/members${path}`, stranger, body)
    expectError(theirs, 404, 'unknown_site')
    expect(theirs.text.replace(site, 'ID')).toBe(nobodys.text.replace(NOBODY, 'ID'))
  }
  expect((await call(api.url, 'GET', '/api/sites', stranger)).json()).toEqual([])
})

test('an unknown e-mail is 404 unknown_user; a bad role or e-mail is 400 naming the field', async () => {
  const unknown = await call(
    api.url,
    'POST',
    members(),
    { cookie: owner },
    { email: 'nobody@example.test', role: 'viewer' },
  )
  expectError(unknown, 404, 'unknown_user')
  expect(unknown.json().field).toBe('email')

  const badRole = await call(
    api.url,
    'POST',
    members(),
    { cookie: owner },
    { email: 'leo@example.test', role: 'admin' },
  )
  expectError(badRole, 400, 'invalid_field')
  expect(badRole.json()).toMatchObject({
    code: 'invalid_field',
    field: 'role',
    message: expect.stringMatching(/^role: .*owner.*editor.*viewer/),
  })

  expectError(
    await call(api.url, 'POST', members(), { cookie: owner }, { email: 'not an address', role: 'viewer' }),
    400,
    'invalid_field',
  )
  expect((await call(api.url, 'POST', members(), { cookie: owner }, { role: 'viewer' })).json().field).toBe('email')
  expect((await call(api.url, 'GET', members(), { cookie: owner })).json()).toHaveLength(2)
})

test('the last owner can be neither removed nor demoted (409 last_owner)', async () => {
  expectError(await call(api.url, 'DELETE', members(`/${users.owner.id}`), { cookie: owner }), 409, 'last_owner')
  expectError(
    await call(api.url, 'POST', members(), { cookie: owner }, { email: 'owner@example.test', role: 'editor' }),
    409,
    'last_owner',
  )
  expect((await call(api.url, 'GET', `/api/sites/${site}`, { cookie: owner })).json().role).toBe('owner')
})

test('a removed member loses the site at once (404); removing them again is 404 unknown_member', async () => {
  const vera = { cookie: users.vera.cookie }
  const removed = await call(api.url, 'DELETE', members(`/${users.vera.id}`), { cookie: owner })
  expect(removed.status, removed.text).toBe(204)
  expectError(await call(api.url, 'GET', `/api/sites/${site}`, vera), 404, 'unknown_site')
  expectError(await call(api.url, 'GET', `/api/sites/${site}/stats`, vera), 404, 'unknown_site')
  expect((await call(api.url, 'GET', '/api/sites', vera)).json()).toEqual([])
  expectError(await call(api.url, 'DELETE', members(`/${users.vera.id}`), { cookie: owner }), 404, 'unknown_member')
  expectError(await call(api.url, 'DELETE', members(`/${NOBODY}`), { cookie: owner }), 404, 'unknown_member')
})

test('a member leaves on their own; a second owner may leave, and then the first is the last again', async () => {
  const leo = { cookie: users.leo.cookie }
  expect(
    (await call(api.url, 'POST', members(), { cookie: owner }, { email: 'leo@example.test', role: 'viewer' })).status,
  ).toBe(201)
  expect((await call(api.url, 'DELETE', members(`/${users.leo.id}`), leo)).status).toBe(204)
  expectError(await call(api.url, 'GET', `/api/sites/${site}`, leo), 404, 'unknown_site')

  expect(
    (await call(api.url, 'POST', members(), { cookie: owner }, { email: 'leo@example.test', role: 'owner' })).status,
  ).toBe(201)
  // Two owners: either may step down.
  expect(
    (await call(api.url, 'POST', members(), leo, { email: 'owner@example.test', role: 'editor' })).json().role,
  ).toBe('editor')
  expect(
    (await call(api.url, 'POST', members(), leo, { email: 'owner@example.test', role: 'owner' })).json().role,
  ).toBe('owner')
  expect((await call(api.url, 'DELETE', members(`/${users.leo.id}`), leo)).status).toBe(204)
  expectError(await call(api.url, 'DELETE', members(`/${users.owner.id}`), { cookie: owner }), 409, 'last_owner')
})

test('tokens may list the members (owner grant) but not change them; cross-site writes are refused', async () => {
  const { token } = await createApiClient(api.url, owner, [{ site_id: site, role: 'owner' }])
  expect((await call(api.url, 'GET', members(), { token })).status).toBe(200)
  expectError(
    await call(api.url, 'POST', members(), { token }, { email: 'leo@example.test', role: 'owner' }),
    403,
    'session_required',
  )
  expectError(await call(api.url, 'DELETE', members(`/${users.owner.id}`), { token }), 403, 'session_required')
  const foreign = await call(
    api.url,
    'POST',
    members(),
    { cookie: owner },
    { email: 'leo@example.test', role: 'owner' },
    { Origin: 'https://evil.example' },
  )
  expectError(foreign, 403, 'cross_site_request')
  expect((await call(api.url, 'GET', members(), { cookie: owner })).json()).toHaveLength(1)
})

test('the OpenAPI document describes the members routes from their schemas', async () => {
  const doc = (await call(api.url, 'GET', '/api/openapi.json')).json()
  const list = doc.paths['/api/sites/{id}/members']
  expect(list.post.requestBody.content['application/json'].schema.required).toEqual(['email', 'role'])
  expect(list.post.requestBody.content['application/json'].schema.properties.role.enum).toEqual([
    'viewer',
    'editor',
    'owner',
  ])
  expect(Object.keys(list.post.responses)).toEqual(expect.arrayContaining(['200', '201', '404', '409']))
  expect(list.get.responses['200'].content['application/json'].schema.items.required).toEqual([
    'user_id',
    'email',
    'role',
  ])
  expect(Object.keys(doc.paths['/api/sites/{id}/members/{user_id}'].delete.responses)).toEqual(
    expect.arrayContaining(['204', '404', '409']),
  )
})

test('two owners stepping down at once: one wins, the other is refused, the site keeps an owner', async () => {
  const leo = { cookie: users.leo.cookie }
  const ownersNow = async (as = { cookie: owner }) =>
    (await call(api.url, 'GET', members(), as)).json().filter((m: any) => m.role === 'owner')
  for (let round = 0; round < 5; round++) {
    expect(
      (await call(api.url, 'POST', members(), { cookie: owner }, { email: 'leo@example.test', role: 'owner' })).status,
    ).toBe(201)
    const leaving = await Promise.all([
      call(api.url, 'DELETE', members(`/${users.owner.id}`), { cookie: owner }),
      call(api.url, 'DELETE', members(`/${users.leo.id}`), leo),
    ])
    expect(leaving.map((a) => a.status).sort()).toEqual([204, 409])
    // Whoever stayed hands the site back to the first owner, so the next round starts the same way.
    if (leaving[0]!.status === 204) {
      expect(await ownersNow(leo)).toEqual([expect.objectContaining({ user_id: users.leo.id })])
      expect((await call(api.url, 'POST', members(), leo, { email: 'owner@example.test', role: 'owner' })).status).toBe(
        201,
      )
      expect((await call(api.url, 'DELETE', members(`/${users.leo.id}`), leo)).status).toBe(204)
    }
    expect(await ownersNow()).toEqual([expect.objectContaining({ user_id: users.owner.id })])
  }
  expect(
    (await call(api.url, 'POST', members(), { cookie: owner }, { email: 'leo@example.test', role: 'owner' })).status,
  ).toBe(201)
  const demoting = await Promise.all([
    call(api.url, 'POST', members(), { cookie: owner }, { email: 'leo@example.test', role: 'viewer' }),
    call(api.url, 'POST', members(), leo, { email: 'owner@example.test', role: 'viewer' }),
  ])
  // The loser is no longer an owner by the time its check runs — on the HTTP thread or, racing, in the op's
  // transaction.
  expect(demoting.map((a) => a.status).sort()).toEqual([200, 403])
  const stayed = demoting[0]!.status === 200 ? { cookie: owner } : leo
  const roles = (await call(api.url, 'GET', members(), stayed)).json().map((m: any) => m.role)
  expect(roles.filter((r: string) => r === 'owner')).toHaveLength(1)
})
