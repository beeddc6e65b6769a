/**
 * Goals CRUD: create (201 with the goal), list newest first, delete (204), an unknown goal (404),
 * validation (400 naming the field), and path goals with wildcards.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { call, createSite, expectError, initialUser, startApiServer, type ApiServer } from './helpers/api.js'

let api: ApiServer
let cookie: string
let siteId: string
const goals = (path = '') => `/api/sites/${siteId}/goals${path}`

beforeAll(async () => {
  api = await startApiServer()
  cookie = await initialUser(api.url)
  siteId = (await createSite(api.url, cookie, 'goals.example')).id
})
afterAll(async () => {
  await api?.stop()
})

test('create, list newest first, delete, and 404 for a goal that is not there', async () => {
  const a = (
    await call(api.url, 'POST', goals(), { cookie }, { name: 'Signup', type: 'event', value: 'signup' })
  ).json()
  const b = (await call(api.url, 'POST', goals(), { cookie }, { name: 'Blog', type: 'path', value: '/blog/*' })).json()
  const c = (
    await call(api.url, 'POST', goals(), { cookie }, { name: 'Thanks', type: 'path', value: '/thanks' })
  ).json()
  const list = await call(api.url, 'GET', goals(), { cookie })
  expect(list.status).toBe(200)
  expect(list.json().map((g: any) => g.id)).toEqual([c.id, b.id, a.id])
  expect(list.json()[1]).toEqual({
    id: b.id,
    site_id: siteId,
    name: 'Blog',
    type: 'path',
    value: '/blog/*',
    created_at: b.created_at,
  })

  const del = await call(api.url, 'DELETE', goals(`/${b.id}`), { cookie })
  expect(del.status).toBe(204)
  expect(del.text).toBe('')
  expect((await call(api.url, 'GET', goals(), { cookie })).json().map((g: any) => g.id)).toEqual([c.id, a.id])

  expectError(await call(api.url, 'DELETE', goals(`/${b.id}`), { cookie }), 404, 'unknown_goal')
  expectError(await call(api.url, 'DELETE', goals('/not-a-goal'), { cookie }), 404, 'unknown_goal')
})

test.each([
  [{ name: '', type: 'event', value: 'x' }, 'name'],
  [{ name: '   ', type: 'event', value: 'x' }, 'name'],
  [{ name: 'x', type: 'event', value: '' }, 'value'],
  [{ name: 'x', type: 'pageview', value: '/x' }, 'type'],
  [{ name: 'x', type: 'Event', value: 'x' }, 'type'],
  [{ name: 'x', value: 'x' }, 'type'],
  [{ name: 'x', type: 'path', value: 'no-slash' }, 'value'],
  [{ name: 'x', type: 'event', value: 'e'.repeat(121) }, 'value'],
  [{ name: 7, type: 'event', value: 'x' }, 'name'],
])('%j is refused with 400 naming %s', async (body, field) => {
  const a = await call(api.url, 'POST', goals(), { cookie }, body)
  expectError(a, 400, 'invalid_field')
  expect(a.json().field).toBe(field)
})

test('a body that is not JSON, or not an object, is a 400 too', async () => {
  expectError(await call(api.url, 'POST', goals(), { cookie }, '{"name":'), 400, 'invalid_json')
  expectError(await call(api.url, 'POST', goals(), { cookie }, '[1,2]'), 400, 'invalid_field')
  expectError(await call(api.url, 'POST', goals(), { cookie }, 'null'), 400, 'invalid_field')
})

test('goals of a site that does not exist: 404', async () => {
  expectError(
    await call(api.url, 'GET', '/api/sites/00000000-0000-4000-8000-000000000000/goals', { cookie }),
    404,
    'unknown_site',
  )
})
