/**
 * A full disk is a state, not a crash: the data directory sits on a small real tmpfs that fills up under
 * load. The server stays up, says it is degraded (/readyz, /metrics, one log line), refuses new events
 * and API writes with 503 storage_unavailable, never answers 202 for an event it then loses, and — once
 * the file system has room again — stores everything it acknowledged by itself.
 */
import { afterAll, expect, test } from 'vitest'
import { addSite, startServer, waitFor, type ServerProcess } from './helpers/server.js'
import { send } from './helpers/http.js'
import { addUser, call, GENEROUS, login } from './helpers/api.js'
import { storedPropValues, withStore } from './helpers/store.js'
import { mountTmpfs, type Tmpfs } from './helpers/tmpfs.js'
import { flood, summary } from './helpers/flood.js'
import { recount } from '../src/derive/recount.js'

const MiB = 1024 * 1024
const mounts: Tmpfs[] = []
const servers: ServerProcess[] = []
afterAll(async () => {
  for (const s of servers) await s.stop('SIGKILL').catch(() => {})
  for (const m of mounts) m.remove()
})

const LIMITS = [...GENEROUS, '-ingest-rate', '1000000', '-ingest-burst', '1000000']
const isFull = (a: { code: string | undefined }) => a.code === 'storage_unavailable'
const notWritableLines = (s: ServerProcess) =>
  s.logs
    .join('\n')
    .split('\n')
    .filter((l) => l.includes('store not writable')).length

async function fullDisk(args: string[]) {
  const fs = mountTmpfs(3 * MiB)
  mounts.push(fs)
  const dataPath = `${fs.path}/data`
  const siteId = addSite(dataPath, 'fault.example')
  addUser(dataPath, 'ops@example.test')
  const server = await startServer(dataPath, [...LIMITS, ...args])
  servers.push(server)
  return { fs, dataPath, siteId, server }
}

test('disk full under load: 503, degraded, said once; with room each acked event is stored, durable too', async () => {
  const { fs, dataPath, siteId, server } = await fullDisk(['-shutdown-timeout', '5s'])
  // Signed in before the disk fills: a login is a write too.
  const cookie = await login(server.url, 'ops@example.test')

  const load = await flood({ url: server.url, siteId, durableEvery: 7, until: isFull, max: 20_000 })
  expect(
    load.answered.every((a) => a.status === 202 || isFull(a)),
    summary(load.answered),
  ).toBe(true)

  // Degraded, and says so.
  const ready = await send(`${server.url}/readyz`, { method: 'GET' })
  expect(ready.status).toBe(503)
  expect(ready.json().message).toMatch(/store not writable: .*(ENOSPC|EIO)/)
  expect((await send(`${server.url}/metrics`, { method: 'GET' })).text).toMatch(/^hitring_store_writable 0$/m)
  // Everything new is refused at once, with the code and Retry-After: events, durable events, API writes, logins.
  const event = { site_id: siteId, name: 'late', url: 'https://fault.example/late' }
  for (const headers of [{}, { 'X-Hitring-Ack': 'durable' }] as Array<Record<string, string>>) {
    const a = await send(`${server.url}/ingest/event`, {
      body: JSON.stringify(event),
      headers: { 'Content-Type': 'application/json', ...headers },
    })
    expect(a.status).toBe(503)
    expect(a.json().code).toBe('storage_unavailable')
    expect(Number(a.headers['retry-after'])).toBeGreaterThanOrEqual(1)
  }
  const goal = await call(
    server.url,
    'POST',
    `/api/sites/${siteId}/goals`,
    { cookie },
    { name: 'Signup', type: 'event', value: 'signup' },
  )
  expect(goal.status, goal.text).toBe(503)
  expect(goal.json().code).toBe('storage_unavailable')
  const again = await call(
    server.url,
    'POST',
    '/api/login',
    {},
    { email: 'ops@example.test', password: 'correct horse battery' },
  )
  expect(again.status, again.text).toBe(503)
  // Reads still work.
  expect((await call(server.url, 'GET', `/api/sites/${siteId}`, { cookie })).status).toBe(200)
  // The drain keeps retrying (several times in 3 s) — and the log says it once.
  await new Promise((r) => setTimeout(r, 3000))
  expect(notWritableLines(server)).toBe(1)
  expect(server.proc.exitCode).toBe(null)
  // Durable requests whose events are not committed are still waiting: none was answered 202 meanwhile.
  const settled = load.answered.filter((a) => a.durable)
  expect(settled.every((a) => a.status === 202 || isFull(a))).toBe(true)

  // Room again: writes resume by themselves.
  fs.resize(64 * MiB)
  await waitFor(
    async () => (await send(`${server.url}/readyz`, { method: 'GET' })).status === 200,
    20_000,
    'the store to be writable again',
  )
  expect(server.logs.join('\n')).toMatch(/store writable again/)
  const durable = await Promise.all(load.durable)
  expect(
    durable.every((a) => a.status === 202 || isFull(a)),
    summary(durable),
  ).toBe(true)
  const late = await send(`${server.url}/ingest/event`, {
    body: JSON.stringify({ ...event, props: { i: -1 } }),
    headers: { 'Content-Type': 'application/json' },
  })
  expect(late.status).toBe(202)

  expect(await server.stop('SIGTERM')).toBe(0)
  expect(server.logs.join('\n')).toMatch(/everything acknowledged is stored/)
  const acknowledged = [...load.accepted(), -1].sort((a, b) => a - b)
  const stored = storedPropValues(dataPath, 'i')
    .map(Number)
    .sort((a, b) => a - b)
  expect(stored).toEqual(acknowledged) // every 202 is there, exactly once
  withStore(dataPath, (store) => expect(recount(store).mismatches).toEqual([]))
})

test('SIGTERM on a full disk waits -shutdown-timeout, exits 1, counts what was not stored; no other loss', async () => {
  const { fs, dataPath, siteId, server } = await fullDisk(['-shutdown-timeout', '2s'])
  const load = await flood({ url: server.url, siteId, until: isFull, max: 20_000 })
  await waitFor(
    async () => (await send(`${server.url}/readyz`, { method: 'GET' })).status === 503,
    5000,
    'the server to say it is degraded',
  )

  expect(await server.stop('SIGTERM')).toBe(1)
  const logs = server.logs.join('\n')
  expect(logs).not.toMatch(/everything acknowledged is stored/)
  const lost = /shutdown: (\d+) acknowledged event\(s\) were NOT stored/.exec(logs)
  expect(lost, logs.slice(-2000)).not.toBeNull()

  // With room again (and no server), the store holds exactly what was acknowledged minus what the log said.
  fs.resize(64 * MiB)
  const accepted = load.accepted()
  const stored = storedPropValues(dataPath, 'i').map(Number)
  expect(Number(lost![1])).toBeGreaterThan(0)
  expect(stored.length + Number(lost![1])).toBe(accepted.length)
  expect(new Set(stored).size).toBe(stored.length)
  expect(stored.every((i) => accepted.includes(i))).toBe(true)
  withStore(dataPath, (store) => expect(recount(store).mismatches).toEqual([]))
})
