/**
 * Per-IP limits of the API, on the shared GCRA table but in buckets of their own: login and first-user
 * set-up (auth: 2/s, burst 5 by default) and every other API route (api: 10/s, burst 20 by default).
 * Over the limit: 429, Retry-After in seconds, and the JSON error.
 */
import { afterEach, expect, test } from 'vitest'
import { send } from './helpers/http.js'
import { addSite } from './helpers/server.js'
import { addUser, call, expectError, login, PASSWORD, startApiServer, type ApiServer } from './helpers/api.js'

let api: ApiServer | undefined
afterEach(async () => {
  await api?.stop()
  api = undefined
})

test('login: the default burst of 5 passes, the 6th is 429 with Retry-After — right or wrong password', async () => {
  api = await startApiServer([], {}, (dataPath) => addUser(dataPath, 'owner@example.test'))
  // All at once: the limiter decides on arrival, before the (deliberately slow) password check.
  const answers = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      call(
        api!.url,
        'POST',
        '/api/login',
        {},
        { email: 'owner@example.test', password: i % 2 ? PASSWORD : 'wrong password' },
      ),
    ),
  )
  expect(answers.filter((a) => a.status === 429)).toHaveLength(1)
  expect(answers.filter((a) => a.status === 200 || a.status === 401)).toHaveLength(5)
  const limited = answers.find((a) => a.status === 429)!
  expectError(limited, 429, 'rate_limited')
  expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1)
})

test('the first-user route shares the auth bucket with login: 7 at once → 2 refused', async () => {
  api = await startApiServer([], {}, (dataPath) => addUser(dataPath, 'owner@example.test'))
  const answers = await Promise.all([
    ...Array.from({ length: 5 }, () =>
      call(api!.url, 'POST', '/api/login', {}, { email: 'owner@example.test', password: 'wrong password' }),
    ),
    ...Array.from({ length: 2 }, () =>
      call(api!.url, 'POST', '/api/initial-user', {}, { email: 'x@example.test', password: PASSWORD }),
    ),
  ])
  expect(answers.filter((a) => a.status === 429)).toHaveLength(2)
})

test('the API limit (flags -api-rate / -api-burst) is separate from auth and from ingest', async () => {
  let siteId = ''
  api = await startApiServer(['-api-rate', '0.2', '-api-burst', '3'], {}, (dataPath) => {
    addUser(dataPath, 'owner@example.test')
    siteId = addSite(dataPath, 'limits.example')
  })
  const cookie = await login(api.url, 'owner@example.test') // auth bucket
  for (let i = 0; i < 3; i++) expect((await call(api.url, 'GET', '/api/sites', { cookie })).status).toBe(200)
  const limited = await call(api.url, 'GET', '/api/me', { cookie })
  expectError(limited, 429, 'rate_limited')
  expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(4)
  // Unknown routes and unauthenticated calls count too (the limiter runs before anything else)...
  expectError(await call(api.url, 'GET', '/api/nothing-here'), 429, 'rate_limited')
  // ...but ingest and the auth routes have their own buckets.
  const event = await send(`${api.url}/ingest/event`, {
    body: JSON.stringify({ site_id: siteId, name: 'x', url: 'https://limits.example/' }),
    headers: { 'Content-Type': 'application/json' },
  })
  expect(event.status).toBe(202)
  expect(
    (await call(api.url, 'POST', '/api/login', {}, { email: 'owner@example.test', password: PASSWORD })).status,
  ).toBe(200)
  // The OpenAPI document is never limited.
  expect((await call(api.url, 'GET', '/api/openapi.json')).status).toBe(200)
})

test('HitKeep names in the environment set the limits', async () => {
  api = await startApiServer([], { HITKEEP_AUTH_RATE_LIMIT: '0.1', HITKEEP_AUTH_BURST: '1' })
  expect((await call(api.url, 'POST', '/api/login', {}, { email: 'a@example.test', password: PASSWORD })).status).toBe(
    401,
  )
  expectError(
    await call(api.url, 'POST', '/api/login', {}, { email: 'a@example.test', password: PASSWORD }),
    429,
    'rate_limited',
  )
})
