/**
 * Sessions expire on the server, whatever the browser keeps: with `-auth-session-minutes 0.05` (3 s) a
 * cookie that worked is refused with 401 once its time is up. And with an https public URL the cookie
 * is `Secure`.
 */
import { afterEach, expect, test } from 'vitest'
import { call, expectError, GENEROUS, initialUser, login, startApiServer, type ApiServer } from './helpers/api.js'
import { setupToken } from './helpers/server.js'

let api: ApiServer | undefined
afterEach(async () => {
  await api?.stop()
  api = undefined
})

test('an expired session is a 401; a remember_me session of the same age still works', async () => {
  api = await startApiServer([...GENEROUS, '-auth-session-minutes', '0.05'], { HITKEEP_AUTH_REMEMBER_ME_DAYS: '1' })
  const short = await initialUser(api.url)
  const remembered = await login(api.url, 'owner@example.test', undefined, true)
  expect((await call(api.url, 'GET', '/api/me', { cookie: short })).status).toBe(200)
  await new Promise((r) => setTimeout(r, 3500))
  expectError(await call(api.url, 'GET', '/api/me', { cookie: short }), 401, 'unauthorized')
  expect((await call(api.url, 'GET', '/api/me', { cookie: remembered })).status).toBe(200)
})

test('the cookie is Secure when the public URL is https', async () => {
  api = await startApiServer([...GENEROUS, '-public-url', 'https://stats.example.test'])
  const a = await call(
    api.url,
    'POST',
    '/api/initial-user',
    {},
    { email: 'owner@example.test', password: 'long enough', setup_token: await setupToken(api.url) },
  )
  expect(a.status).toBe(201)
  expect(String(a.headers['set-cookie'])).toMatch(/; Secure$/)
})

test('a bad session lifetime stops the server with a message naming it', async () => {
  await expect(startApiServer(['-auth-session-minutes', '0'])).rejects.toThrow(/auth-session-minutes/)
})
