/**
 * Login and logout: the cookie's flags, one 401 for a wrong password and an unknown e-mail, `GET
 * /api/me`, and a logout that revokes the session at once.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { call, expectError, initialUser, login, PASSWORD, startApiServer, type ApiServer } from './helpers/api.js'

let api: ApiServer
beforeAll(async () => {
  api = await startApiServer()
  await initialUser(api.url, 'owner@example.test')
})
afterAll(async () => {
  await api?.stop()
})

test('login answers {"status":"ok"} with an HttpOnly, SameSite=Lax cookie of 12 hours, not Secure (http)', async () => {
  const a = await call(api.url, 'POST', '/api/login', {}, { email: 'owner@example.test', password: PASSWORD })
  expect(a.status).toBe(200)
  expect(a.json()).toEqual({ status: 'ok' })
  const cookie = String(a.headers['set-cookie'])
  expect(cookie).toMatch(/^hk_token=hrs_[A-Za-z0-9_-]{43}; /)
  expect(cookie).toContain('HttpOnly')
  expect(cookie).toContain('SameSite=Lax')
  expect(cookie).toContain('Path=/')
  expect(cookie).toContain('Max-Age=43200')
  expect(cookie).not.toContain('Secure')
})

test('remember_me gives a session of 30 days', async () => {
  const a = await call(
    api.url,
    'POST',
    '/api/login',
    {},
    { email: 'owner@example.test', password: PASSWORD, remember_me: true },
  )
  expect(String(a.headers['set-cookie'])).toContain(`Max-Age=${30 * 86400}`)
})

test('a wrong password and an unknown e-mail get the very same 401', async () => {
  const wrong = await call(
    api.url,
    'POST',
    '/api/login',
    {},
    { email: 'owner@example.test', password: 'not the password' },
  )
  const unknown = await call(api.url, 'POST', '/api/login', {}, { email: 'nobody@example.test', password: PASSWORD })
  const malformed = await call(api.url, 'POST', '/api/login', {}, { email: 'not-an-address', password: PASSWORD })
  for (const a of [wrong, unknown, malformed]) {
    expectError(a, 401, 'invalid_credentials')
    expect(a.headers['set-cookie']).toBeUndefined()
  }
  expect(unknown.text).toBe(wrong.text)
  expect(malformed.text).toBe(wrong.text)
})

test('an unknown e-mail costs a password hash too (no fast path that tells addresses apart)', async () => {
  const time = async (email: string) => {
    const t = performance.now()
    await call(api.url, 'POST', '/api/login', {}, { email, password: 'wrong password' })
    return performance.now() - t
  }
  await time('nobody@example.test') // the dummy hash is made on first use
  const unknown = Math.min(await time('nobody@example.test'), await time('nobody2@example.test'))
  const known = Math.min(await time('owner@example.test'), await time('owner@example.test'))
  // scrypt takes tens of ms; a lookup alone would take well under one.
  expect(unknown).toBeGreaterThan(known / 3)
})

test('GET /api/me returns the user (never the password hash); logout revokes the session at once', async () => {
  const cookie = await login(api.url, 'owner@example.test')
  const me = await call(api.url, 'GET', '/api/me', { cookie })
  expect(me.status).toBe(200)
  expect(me.json()).toMatchObject({
    email: 'owner@example.test',
    instance_owner: true,
    auth: { kind: 'session', expires_at: expect.any(String) },
  })
  expect(me.text).not.toMatch(/password|scrypt/)

  const out = await call(api.url, 'POST', '/api/logout', { cookie })
  expect(out.status).toBe(200)
  expect(out.json()).toEqual({ status: 'ok' })
  expect(String(out.headers['set-cookie'])).toMatch(/^hk_token=; Max-Age=0; /)
  expectError(await call(api.url, 'GET', '/api/me', { cookie }), 401, 'unauthorized')
  expectError(await call(api.url, 'POST', '/api/logout', { cookie }), 401, 'unauthorized')
})

test('a forged or malformed cookie is a 401, never a 500', async () => {
  for (const cookie of [`hrs_${'A'.repeat(43)}`, 'garbage', 'hrs_', '%00', 'x'.repeat(3000)]) {
    expectError(await call(api.url, 'GET', '/api/me', { cookie }), 401, 'unauthorized')
  }
  expectError(await call(api.url, 'GET', '/api/sites'), 401, 'unauthorized')
})
