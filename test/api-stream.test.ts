/**
 * `GET /api/sites/{id}/stream` (Server-Sent Events): the headers, today's KPIs at once, fresh KPIs
 * within 2 s of an event sent over HTTP, at most one push per second however many commits arrive, and
 * a client that goes away is forgotten (the server keeps serving).
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { send } from './helpers/http.js'
import { openStream } from './helpers/sse.js'
import { call, createSite, expectError, initialUser, startApiServer, type ApiServer } from './helpers/api.js'

let api: ApiServer
let cookie: string
let site: string

beforeAll(async () => {
  api = await startApiServer()
  cookie = await initialUser(api.url)
  site = (await createSite(api.url, cookie, 'live.example')).id
})
afterAll(async () => {
  await api?.stop()
})

const openSiteStream = () => openStream(`${api.url}/api/sites/${site}/stream`, { Cookie: `hk_token=${cookie}` })

const until = async (check: () => boolean, ms: number) => {
  const deadline = Date.now() + ms
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
  return check()
}

const sendEvent = () =>
  send(`${api.url}/ingest/event`, {
    body: JSON.stringify({ site_id: site, name: 'signup', url: 'https://live.example/' }),
    headers: { 'Content-Type': 'application/json' },
  })

test('headers, a first snapshot, and fresh KPIs within 2 s of an event', async () => {
  const stream = await openSiteStream()
  try {
    expect(stream.status).toBe(200)
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/)
    expect(stream.headers['cache-control']).toBe('no-cache')
    expect(stream.headers['x-accel-buffering']).toBe('no')
    expect(await until(() => stream.events.length >= 1, 2000)).toBe(true)
    const first = stream.events[0]!
    expect(first.event).toBe('stats')
    expect(first.data).toMatchObject({ site_id: site, kpis: { visitors: 0 }, visitors_now: 0 })
    expect(stream.raw.join('')).toMatch(/^: connected\nretry: 3000\n\n/)

    // Let the 1 s throttle window of the first push pass, then measure from the send.
    await new Promise((r) => setTimeout(r, 1100))
    const sentAt = Date.now()
    expect((await sendEvent()).status).toBe(202)
    expect(await until(() => stream.events.some((e) => e.data.kpis.visitors === 1), 2000)).toBe(true)
    const pushed = stream.events.find((e) => e.data.kpis.visitors === 1)!
    expect(pushed.at - sentAt).toBeLessThan(2000)
    expect(pushed.data.visitors_now).toBe(1)
  } finally {
    stream.close()
  }
})

test('a burst of commits is coalesced: at most one push per second', async () => {
  const stream = await openSiteStream()
  try {
    await until(() => stream.events.length >= 1, 2000)
    const start = Date.now()
    for (let i = 0; i < 20; i++) {
      await sendEvent()
      await new Promise((r) => setTimeout(r, 50))
    }
    await new Promise((r) => setTimeout(r, 1200))
    const elapsed = Date.now() - start
    const pushes = stream.events.length - 1
    expect(pushes).toBeGreaterThanOrEqual(1)
    expect(pushes).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) + 1)
    for (let i = 2; i < stream.events.length; i++)
      expect(stream.events[i]!.at - stream.events[i - 1]!.at).toBeGreaterThanOrEqual(900)
  } finally {
    stream.close()
  }
})

test('clients that go away are forgotten; the server keeps answering', async () => {
  for (let i = 0; i < 5; i++) {
    const s = await openSiteStream()
    s.close()
  }
  await sendEvent()
  await new Promise((r) => setTimeout(r, 1500))
  expect((await call(api.url, 'GET', `/api/sites/${site}/realtime`, { cookie })).status).toBe(200)
  expect(api.server.proc.exitCode).toBeNull()
})

test('the stream needs credentials like every other route', async () => {
  expectError(await call(api.url, 'GET', `/api/sites/${site}/stream`), 401, 'unauthorized')
})

test('SIGTERM with a stream open ends it and exits 0', async () => {
  const stream = await openSiteStream()
  await until(() => stream.events.length >= 1, 2000)
  const code = await api.server.stop()
  expect(code).toBe(0)
  expect(await until(() => stream.closed(), 5000)).toBe(true)
})
