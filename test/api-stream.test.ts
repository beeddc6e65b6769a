/**
 * `GET /api/sites/{id}/stream` (Server-Sent Events): the headers, today's KPIs at once, fresh KPIs
 * within 2 s of an event sent over HTTP, at most one push per second however many commits arrive, and
 * a client that goes away is forgotten (the server keeps serving).
 */
import { request, type IncomingMessage } from 'node:http'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { send } from './helpers/http.js'
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

interface Received {
  at: number
  event: string
  data: any
}

/** Opens the stream and collects its events as they arrive. */
function openStream(): Promise<{ res: IncomingMessage; events: Received[]; raw: string[]; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.url}/api/sites/${site}/stream`, { headers: { Cookie: `hk_token=${cookie}`, Accept: 'text/event-stream' } }, (res) => {
      const events: Received[] = []
      const raw: string[] = []
      let buffer = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        raw.push(chunk)
        buffer += chunk
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const event = /^event: (.*)$/m.exec(block)?.[1]
          const data = /^data: (.*)$/m.exec(block)?.[1]
          if (event && data) events.push({ at: Date.now(), event, data: JSON.parse(data) })
        }
      })
      resolve({ res, events, raw, close: () => req.destroy() })
    })
    req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)))
    req.end()
  })
}

const until = async (check: () => boolean, ms: number) => {
  const deadline = Date.now() + ms
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
  return check()
}

const sendEvent = () =>
  send(`${api.url}/ingest/event`, { body: JSON.stringify({ site_id: site, name: 'signup', url: 'https://live.example/' }), headers: { 'Content-Type': 'application/json' } })

test('headers, a first snapshot, and fresh KPIs within 2 s of an event', async () => {
  const stream = await openStream()
  try {
    expect(stream.res.statusCode).toBe(200)
    expect(stream.res.headers['content-type']).toMatch(/^text\/event-stream/)
    expect(stream.res.headers['cache-control']).toBe('no-cache')
    expect(stream.res.headers['x-accel-buffering']).toBe('no')
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
  const stream = await openStream()
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
    for (let i = 2; i < stream.events.length; i++) expect(stream.events[i]!.at - stream.events[i - 1]!.at).toBeGreaterThanOrEqual(900)
  } finally {
    stream.close()
  }
})

test('clients that go away are forgotten; the server keeps answering', async () => {
  for (let i = 0; i < 5; i++) {
    const s = await openStream()
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
  const stream = await openStream()
  await until(() => stream.events.length >= 1, 2000)
  const ended = new Promise<void>((r) => stream.res.once('end', () => r()).once('close', () => r()))
  const code = await api.server.stop()
  await ended
  expect(code).toBe(0)
})
