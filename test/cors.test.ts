/** CORS for browsers: the Origin is echoed on every ingest answer (errors and 429 included); preflights are 204. */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { addSite, startServer, tempDataDir, type ServerProcess } from './helpers/server.js'
import { send } from './helpers/http.js'

const dir = tempDataDir()
let server: ServerProcess
const origin = 'https://blog.example'

beforeAll(async () => {
  addSite(dir.path, 'blog.example')
  server = await startServer(dir.path, ['-ingest-rate', '1', '-ingest-burst', '3'])
})
afterAll(async () => {
  await server?.stop()
  dir.remove()
})

test.each(['/ingest/event', '/ingest'])('preflight on %s → 204 allowing POST and Content-Type', async (path) => {
  const a = await send(`${server.url}${path}`, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type',
    },
  })
  expect(a.status).toBe(204)
  expect(a.headers['access-control-allow-origin']).toBe(origin)
  expect(a.headers['access-control-allow-methods']).toBe('POST')
  expect(a.headers['access-control-allow-headers']).toBe('Content-Type, X-Hitring-Ack')
  expect(a.headers['access-control-max-age']).toBe('86400')
  expect(a.headers.vary).toMatch(/Origin/)
})

test('the Origin is echoed on 202, on 400 and on 429; preflights are never rate-limited', async () => {
  const post = (body: string) =>
    send(`${server.url}/ingest/event`, { body, headers: { Origin: origin, 'Content-Type': 'text/plain' } })
  const ok = await post(JSON.stringify({ name: 'a', url: `${origin}/` }))
  expect(ok.status).toBe(202)
  expect(ok.headers['access-control-allow-origin']).toBe(origin)
  const bad = await post('{oops')
  expect(bad.status).toBe(400)
  expect(bad.headers['access-control-allow-origin']).toBe(origin)
  // Burst 3: the third request passes, the fourth is limited.
  await post(JSON.stringify({ name: 'b', url: `${origin}/` }))
  const limited = await post(JSON.stringify({ name: 'c', url: `${origin}/` }))
  expect(limited.status).toBe(429)
  expect(limited.headers['access-control-allow-origin']).toBe(origin)
  for (let i = 0; i < 10; i++) {
    const pre = await send(`${server.url}/ingest/event`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
    })
    expect(pre.status).toBe(204)
  }
})
