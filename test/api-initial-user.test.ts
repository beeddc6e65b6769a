/**
 * First-user set-up: `POST /api/initial-user` with the set-up token answers 201 (and signs the user in)
 * while no user exists, 409 afterwards — also when the first user came from `hitring user add`; the first user owns
 * every site created earlier with the CLI, and later CLI sites too.
 */
import { afterEach, expect, test } from 'vitest'
import { addSite, setupToken } from './helpers/server.js'
import {
  addUser,
  call,
  expectError,
  initialUser,
  login,
  sessionCookieOf,
  startApiServer,
  type ApiServer,
} from './helpers/api.js'

let api: ApiServer | undefined
afterEach(async () => {
  await api?.stop()
  api = undefined
})

test('201 with the user and a session cookie, then 409 for everyone after', async () => {
  let early = ''
  api = await startApiServer(undefined, {}, (dataPath) => (early = addSite(dataPath, 'early.example')))
  const setup_token = await setupToken(api.url)
  const first = await call(
    api.url,
    'POST',
    '/api/initial-user',
    {},
    { email: 'Owner@Example.TEST', password: 'long enough', setup_token },
  )
  expect(first.status).toBe(201)
  expect(first.json()).toEqual({
    user: { id: expect.any(String), email: 'owner@example.test', created_at: expect.any(String), instance_owner: true },
  })
  expect(first.text).not.toMatch(/password|scrypt/)
  const cookie = sessionCookieOf(first)

  // Signed in at once, and owner of the site the CLI created before there was any user.
  const sites = (await call(api.url, 'GET', '/api/sites', { cookie })).json()
  expect(sites).toEqual([expect.objectContaining({ id: early, domain: 'early.example', role: 'owner' })])

  expectError(
    await call(
      api.url,
      'POST',
      '/api/initial-user',
      {},
      { email: 'second@example.test', password: 'long enough', setup_token },
    ),
    409,
    'setup_complete',
  )
  expectError(
    await call(api.url, 'POST', '/api/initial-user', {}, { email: 'owner@example.test', password: 'long enough' }),
    409,
    'setup_complete',
  )

  // A site the CLI adds later belongs to the instance owner as well.
  const later = addSite(api.dataPath, 'later.example')
  expect((await call(api.url, 'GET', `/api/sites/${later}`, { cookie })).json()).toMatchObject({
    id: later,
    role: 'owner',
  })
})

test('two racing set-ups: exactly one wins', async () => {
  api = await startApiServer()
  const setup_token = await setupToken(api.url)
  const answers = await Promise.all(
    ['a', 'b', 'c', 'd'].map((n) =>
      call(
        api!.url,
        'POST',
        '/api/initial-user',
        {},
        { email: `${n}@example.test`, password: 'long enough', setup_token },
      ),
    ),
  )
  expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409])
})

test('after `hitring user add` the set-up is closed, and that user signs in', async () => {
  api = await startApiServer()
  const created = addUser(api.dataPath, 'cli@example.test', 'from the shell')
  expect(created).toMatchObject({ email: 'cli@example.test', instance_owner: true })
  expectError(
    await call(
      api.url,
      'POST',
      '/api/initial-user',
      {},
      { email: 'x@example.test', password: 'long enough', setup_token: await setupToken(api.url) },
    ),
    409,
    'setup_complete',
  )
  const cookie = await login(api.url, 'cli@example.test', 'from the shell')
  expect((await call(api.url, 'GET', '/api/me', { cookie })).json()).toMatchObject({ email: 'cli@example.test' })
})

test.each([
  ['a 5-character password', { email: 'owner@example.test', password: 'short' }, 'password'],
  ['a malformed e-mail', { email: 'not an address', password: 'long enough' }, 'email'],
  ['no e-mail', { password: 'long enough' }, 'email'],
  ['a 1025-character password', { email: 'owner@example.test', password: 'x'.repeat(1025) }, 'password'],
])('%s → 400 naming the field', async (_label, body, field) => {
  api = await startApiServer()
  const a = await call(api.url, 'POST', '/api/initial-user', {}, { ...body, setup_token: await setupToken(api.url) })
  expectError(a, 400, 'invalid_field')
  expect(a.json().field).toBe(field)
  // Nothing was created: the set-up is still open.
  await initialUser(api.url)
})
