/**
 * Open event streams are capped per user (over all their sessions and API tokens) and per client IP (the
 * one the API resolves: X-Forwarded-For from a trusted proxy; IPv6 by /64): beyond a cap, 429
 * `too_many_streams` naming the cap and its value, with Retry-After; a place frees when a stream closes.
 * Small caps through the environment (HITKEEP_STREAM_MAX_PER_USER=2, HITKEEP_STREAM_MAX_PER_IP=3).
 */
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import {
  addUser,
  call,
  createApiClient,
  createSite,
  expectError,
  GENEROUS,
  initialUser,
  login,
  startApiServer,
  type ApiServer,
} from './helpers/api.js'
import { waitFor } from './helpers/server.js'
import { openStream, type OpenedStream } from './helpers/sse.js'

let api: ApiServer
let owner: string
let site: string
const opened: OpenedStream[] = []

beforeAll(async () => {
  api = await startApiServer([...GENEROUS, '-trusted-proxies', '127.0.0.1/32'], {
    HITKEEP_STREAM_MAX_PER_USER: '2',
    HITKEEP_STREAM_MAX_PER_IP: '3',
  })
  owner = await initialUser(api.url, 'owner@example.test')
  site = (await createSite(api.url, owner, 'capped.example')).id
})
afterAll(async () => {
  await api?.stop()
})
afterEach(() => {
  for (const s of opened.splice(0)) s.close()
})

/**
 * A new viewer of the site, signed in. Each test has users and addresses of its own: the server hears of
 * the streams a finished test closed only a moment later, and must not count them against the next.
 */
async function viewer(name: string): Promise<{ cookie: string }> {
  addUser(api.dataPath, `${name}@example.test`)
  expect(
    (
      await call(
        api.url,
        'POST',
        `/api/sites/${site}/members`,
        { cookie: owner },
        { email: `${name}@example.test`, role: 'viewer' },
      )
    ).status,
  ).toBe(201)
  return { cookie: await login(api.url, `${name}@example.test`) }
}

/** Opens a stream from `ip` (X-Forwarded-For, believed from the loopback proxy). */
async function watch(who: { cookie?: string; token?: string }, ip: string): Promise<OpenedStream> {
  const headers: Record<string, string> = { 'X-Forwarded-For': ip }
  if (who.token) headers.Authorization = `Bearer ${who.token}`
  else headers.Cookie = `hk_token=${who.cookie}`
  const s = await openStream(`${api.url}/api/sites/${site}/stream`, headers)
  opened.push(s)
  return s
}

async function expectOpen(s: OpenedStream): Promise<void> {
  expect(s.status, s.status === 200 ? '' : await s.body()).toBe(200)
}

async function expectTooMany(s: OpenedStream, cap: RegExp): Promise<void> {
  expect(s.status).toBe(429) // before reading the body: an open stream's body never ends
  const text = await s.body()
  expectError({ status: s.status, headers: s.headers, text, json: () => JSON.parse(text) }, 429, 'too_many_streams')
  expect(JSON.parse(text).message).toMatch(cap)
  expect(Number(s.headers['retry-after'])).toBeGreaterThanOrEqual(1)
}

/** After closing a stream the server hears of it asynchronously: retry (bounded) until a new one opens. */
async function reopens(open: () => Promise<OpenedStream>): Promise<void> {
  let last: OpenedStream | undefined
  await waitFor(
    async () => {
      last = await open()
      if (last.status !== 200) await last.body()
      return last.status === 200
    },
    5000,
    'a place to free up',
  )
  await expectOpen(last!)
}

test('a user over the per-user cap gets 429 too_many_streams, any credential; closing one frees one', async () => {
  const [ben, cy] = [await viewer('ben'), await viewer('cy')]
  const { token } = await createApiClient(api.url, ben.cookie, [{ site_id: site, role: 'viewer' }])
  const first = await watch(ben, '198.51.100.1')
  await expectOpen(first)
  await expectOpen(await watch({ token }, '198.51.100.2'))
  // A third stream of ben's, from a third address and either credential: refused.
  await expectTooMany(await watch(ben, '198.51.100.3'), /at most 2 event streams.*per user.*-stream-max-per-user/i)
  await expectTooMany(await watch({ token }, '198.51.100.3'), /per user/)
  // Another user is not affected.
  await expectOpen(await watch(cy, '198.51.100.3'))

  first.close()
  await reopens(() => watch(ben, '198.51.100.3'))
})

test('an address over the per-IP cap gets 429 too_many_streams, others not; closing one frees one', async () => {
  const [dee, eve, fay, gus] = [await viewer('dee'), await viewer('eve'), await viewer('fay'), await viewer('gus')]
  const ip = '203.0.113.7'
  const first = await watch(dee, ip)
  await expectOpen(first)
  await expectOpen(await watch(eve, ip))
  await expectOpen(await watch(fay, ip))
  await expectTooMany(await watch(gus, ip), /at most 3 event streams.*per client IP.*-stream-max-per-ip/i)
  // The same user from another address opens one.
  const elsewhere = await watch(gus, '203.0.113.8')
  await expectOpen(elsewhere)

  first.close()
  await reopens(() => watch(gus, ip))
})

test('IPv6 clients are counted by /64, as the rate limits count them', async () => {
  const [hal, ivy, jo, kim] = [await viewer('hal'), await viewer('ivy'), await viewer('jo'), await viewer('kim')]
  await expectOpen(await watch(hal, '2001:db8:0:1::1'))
  await expectOpen(await watch(ivy, '2001:db8:0:1::2'))
  await expectOpen(await watch(jo, '2001:db8:0:1::3'))
  await expectTooMany(await watch(kim, '2001:db8:0:1:ffff::4'), /per client IP/)
  await expectOpen(await watch(kim, '2001:db8:0:2::1'))
})

test('the stream route documents too_many_streams in its OpenAPI 429', async () => {
  const doc = (await call(api.url, 'GET', '/api/openapi.json')).json()
  expect(doc.paths['/api/sites/{id}/stream'].get.responses['429'].description).toMatch(/too_many_streams/)
})
