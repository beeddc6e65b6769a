/**
 * A data directory deleted, moved or unmounted under a running server: LMDB keeps its files open and
 * every commit would still "succeed" into a file nobody will read again. The server notices (it compares
 * what the path leads to with the data file it opened), goes degraded for good, refuses everything new,
 * never makes an empty store in its place, and its shutdown says what was not stored and exits 1.
 */
import { existsSync, renameSync, rmSync } from 'node:fs'
import { afterAll, expect, test } from 'vitest'
import { addSite, startServer, tempDataDir, waitFor, type ServerProcess } from './helpers/server.js'
import { send } from './helpers/http.js'
import { addUser, call, GENEROUS, login } from './helpers/api.js'
import { storedPropValues, withStore } from './helpers/store.js'
import { flood, summary } from './helpers/flood.js'
import { recount } from '../src/derive/recount.js'

const dirs: Array<ReturnType<typeof tempDataDir>> = []
const servers: ServerProcess[] = []
afterAll(async () => {
  for (const s of servers) await s.stop('SIGKILL').catch(() => {})
  for (const d of dirs) d.remove()
})

const LIMITS = [...GENEROUS, '-ingest-rate', '1000000', '-ingest-burst', '1000000']

async function running() {
  const dir = tempDataDir()
  dirs.push(dir)
  const dataPath = `${dir.path}/data`
  const siteId = addSite(dataPath, 'fault.example')
  addUser(dataPath, 'ops@example.test')
  const server = await startServer(dataPath, LIMITS)
  servers.push(server)
  return { dir, dataPath, siteId, server }
}

const degraded = async (server: ServerProcess, why: RegExp) => {
  await waitFor(
    async () => (await send(`${server.url}/readyz`, { method: 'GET' })).status === 503,
    5000,
    'the server to say it is degraded',
  )
  expect((await send(`${server.url}/readyz`, { method: 'GET' })).json().message).toMatch(why)
}

test('data dir deleted: degraded in seconds, new work 503, none remade; SIGTERM exits 1, not all stored', async () => {
  const { dataPath, siteId, server } = await running()
  const cookie = await login(server.url, 'ops@example.test')
  const event = (i: number) =>
    JSON.stringify({ site_id: siteId, name: 'e', url: 'https://fault.example/', props: { i } })
  for (let i = 0; i < 20; i++)
    expect(
      (await send(`${server.url}/ingest/event`, { body: event(i), headers: { 'Content-Type': 'application/json' } }))
        .status,
    ).toBe(202)

  rmSync(dataPath, { recursive: true, force: true })
  await degraded(server, /removed or unmounted/)
  expect((await send(`${server.url}/metrics`, { method: 'GET' })).text).toMatch(/^hitring_store_writable 0$/m)
  expect((await send(`${server.url}/metrics`, { method: 'GET' })).text).toMatch(
    /^hitring_store_degraded_total\{code="STORE_GONE"\} 1$/m,
  )
  for (const headers of [{}, { 'X-Hitring-Ack': 'durable' }] as Array<Record<string, string>>) {
    const a = await send(`${server.url}/ingest/event`, {
      body: event(99),
      headers: { 'Content-Type': 'application/json', ...headers },
    })
    expect(a.status).toBe(503)
    expect(a.json().code).toBe('storage_unavailable')
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
  expect(
    (await call(server.url, 'POST', '/api/login', {}, { email: 'ops@example.test', password: 'correct horse battery' }))
      .status,
  ).toBe(503)

  expect(await server.stop('SIGTERM')).toBe(1)
  const logs = server.logs.join('\n')
  expect(logs).not.toMatch(/everything acknowledged is stored/)
  expect(logs).toMatch(/shutdown: \d+ acknowledged event\(s\) were NOT stored .*removed or unmounted/)
  expect(existsSync(dataPath)).toBe(false) // no empty store made in its place
})

test('data dir moved under load: each durable 202 is in the moved store; stored + reported lost = 202s', async () => {
  const { dataPath, siteId, server } = await running()
  const moved = `${dataPath}.moved`
  let renamed = false
  const durableAcked = new Set<number>()
  // Move the directory while the flood runs (once some durable requests were answered); keep sending
  // until the server refuses.
  const load = flood({
    url: server.url,
    siteId,
    durableEvery: 5,
    pad: 100,
    wave: 20,
    max: 50_000,
    until: (a) => {
      if (a.durable && a.status === 202) durableAcked.add(a.id)
      if (!renamed && durableAcked.size >= 10) {
        renameSync(dataPath, moved)
        renamed = true
      }
      return a.code === 'storage_unavailable'
    },
  })
  const sent = await load
  await degraded(server, /removed or unmounted/)
  const durable = await Promise.all(sent.durable)
  expect(
    sent.answered.every((a) => a.status === 202 || a.code === 'storage_unavailable' || a.code === 'not_stored'),
    summary(sent.answered),
  ).toBe(true)

  expect(await server.stop('SIGTERM')).toBe(1)
  const lost = /shutdown: (\d+) acknowledged event\(s\) were NOT stored/.exec(server.logs.join('\n'))
  expect(lost).not.toBeNull()
  expect(existsSync(dataPath)).toBe(false)

  // The moved store is intact; it holds every durable 202, and nothing fast-acknowledged is unaccounted for.
  const stored = new Set(storedPropValues(moved, 'i').map(Number))
  withStore(moved, (store) => expect(recount(store).mismatches).toEqual([]))
  const durableAccepted = durable.filter((a) => a.status === 202).map((a) => a.id)
  expect(durableAccepted.length, summary(durable)).toBeGreaterThan(0)
  expect(durableAccepted.filter((i) => !stored.has(i))).toEqual([])
  const accepted = sent.accepted()
  const missing = accepted.filter((i) => !stored.has(i))
  expect(missing.length).toBeLessThanOrEqual(Number(lost![1]))
})
