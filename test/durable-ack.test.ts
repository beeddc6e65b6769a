/**
 * Durable acknowledgement: with -ingest-ack=durable (or X-Hitring-Ack: durable) a 202 means committed
 * and flushed, so `kill -9` right after the last 202 loses nothing; in fast mode SIGTERM loses nothing.
 */
import { afterAll, expect, test } from 'vitest'
import { call, createApiClient, createSite, GENEROUS, initialUser } from './helpers/api.js'
import { startServer, tempDataDir } from './helpers/server.js'
import { send } from './helpers/http.js'
import { storedEventCount, withStore } from './helpers/store.js'
import { recount } from '../src/derive/recount.js'

const dirs: Array<ReturnType<typeof tempDataDir>> = []
afterAll(() => {
  for (const d of dirs) d.remove()
})

async function setUp(args: string[]) {
  const dir = tempDataDir()
  dirs.push(dir)
  const server = await startServer(dir.path, [...GENEROUS, ...args])
  const cookie = await initialUser(server.url)
  const site = await createSite(server.url, cookie, 'shop.example')
  const { token } = await createApiClient(server.url, cookie, [{ site_id: site.id, role: 'editor' }])
  return { dir, server, site, token }
}

const items = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    name: 'purchase',
    url: 'https://shop.example/thanks',
    timestamp: new Date().toISOString(),
    visitor_ip: `198.51.${((from + i) >> 8) & 255}.${(from + i) & 255}`,
    user_agent: 'node',
    props: { n: from + i },
  }))

test.each([1, 2, 3])(
  'durable mode, run %i: kill -9 right after the last 202, restart, and all N are there',
  async () => {
    const { dir, server, token } = await setUp(['-ingest-ack', 'durable'])
    let acknowledged = 0
    // Concurrent batches and single events; every 202 must survive the kill.
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, (_, b) =>
        send(`${server.url}/api/ingest/batch`, {
          body: JSON.stringify(items(b * 100, 100)),
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        }),
      ),
      ...Array.from({ length: 50 }, (_, i) =>
        call(server.url, 'POST', '/api/ingest/server/event', { token }, items(5000 + i, 1)[0]),
      ),
    ])
    for (const a of answers) {
      expect(a.status, a.text).toBe(202)
      acknowledged += a.text === '' ? 1 : a.json().accepted
    }
    server.proc.kill('SIGKILL')
    await new Promise((r) => server.proc.once('exit', r))
    expect(acknowledged).toBe(850)
    expect(storedEventCount(dir.path)).toBe(850)
    const restarted = await startServer(dir.path, GENEROUS)
    try {
      withStore(dir.path, (store) => expect(recount(store).mismatches).toEqual([]))
    } finally {
      await restarted.stop()
    }
  },
)

test('fast mode with X-Hitring-Ack: durable on one request, and SIGTERM loses nothing in fast mode', async () => {
  const { dir, server, token } = await setUp([])
  const durable = await send(`${server.url}/api/ingest/batch`, {
    body: JSON.stringify(items(0, 50)),
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'X-Hitring-Ack': 'durable' },
  })
  expect(durable.status).toBe(202)
  // Committed before the answer: already in LMDB, read from another process.
  expect(storedEventCount(dir.path)).toBe(50)
  const fast = await Promise.all(
    Array.from({ length: 10 }, (_, b) =>
      send(`${server.url}/api/ingest/batch`, {
        body: JSON.stringify(items(100 + b * 100, 100)),
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      }),
    ),
  )
  expect(fast.every((a) => a.status === 202)).toBe(true)
  expect(await server.stop('SIGTERM')).toBe(0)
  expect(storedEventCount(dir.path)).toBe(1050)
})
