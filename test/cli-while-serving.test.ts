/**
 * The CLI's writing commands while a server runs on the same directory: they take no lock and go
 * through (LMDB serialises writers across processes), and the running server sees their effect — a
 * site added is accepted and stored, filters set apply (within the server's site refresh, 5 s), a user
 * added can sign in — and the rollups still equal a recount.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startServer, tempDataDir, waitFor, type ServerProcess } from './helpers/server.js'
import { send } from './helpers/http.js'
import { storedEventCount } from './helpers/store.js'
import { runCli } from './helpers/cli.js'
import { login, PASSWORD } from './helpers/api.js'

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'
const dir = tempDataDir()
let server: ServerProcess
beforeAll(async () => {
  // Behind a trusted proxy on loopback, so X-Forwarded-For chooses the client address.
  server = await startServer(dir.path, [
    '-trusted-proxies',
    '127.0.0.1/32',
    '-ingest-rate',
    '1000',
    '-ingest-burst',
    '1000',
  ])
})
afterAll(async () => {
  await server?.stop()
  dir.remove()
})

const cli = async (...args: string[]) => {
  const r = await runCli([...args, '-data-path', dir.path])
  expect(r.code, r.stderr).toBe(0)
  return r.stdout.trim()
}

const ingest = (siteId: string, clientIp: string, name = 'ping') =>
  send(`${server.url}/ingest/event`, {
    body: JSON.stringify({ site_id: siteId, name, url: 'https://late.example/' }),
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': clientIp },
  })

let siteId: string

test('site add while the server runs: ingest to the new site is accepted at once and stored', async () => {
  siteId = await cli('site', 'add', 'late.example')
  const a = await ingest(siteId, '192.0.2.10', 'first')
  expect(a.status).toBe(202)
  expect(a.headers['x-hitring-drop']).toBeUndefined()
  // By Origin too (no site_id): the domain lookup finds it.
  const byOrigin = await send(`${server.url}/ingest/event`, {
    body: JSON.stringify({ name: 'by-origin', url: 'https://late.example/' }),
    headers: {
      'Content-Type': 'application/json',
      Origin: 'https://late.example',
      'User-Agent': BROWSER,
      'X-Forwarded-For': '192.0.2.11',
    },
  })
  expect(byOrigin.status).toBe(202)
  expect(byOrigin.headers['x-hitring-drop']).toBeUndefined()
  await waitFor(() => storedEventCount(dir.path) === 2, 5000, 'both events stored')
})

test('site filters --exclude-ips while the server runs: applied within the refresh, others still stored', async () => {
  const out = JSON.parse(await cli('site', 'filters', 'late.example', '--exclude-ips', '203.0.113.0/24'))
  expect(out.excluded_ips).toEqual(['203.0.113.0/24'])
  const before = storedEventCount(dir.path)
  let sent = 0
  await waitFor(
    async () => {
      const a = await ingest(siteId, '203.0.113.7')
      expect(a.status).toBe(202)
      if (a.headers['x-hitring-drop'] === undefined) sent++
      return a.headers['x-hitring-drop'] === 'excluded_ip'
    },
    15_000,
    'the excluded IP to be dropped',
  )
  // Dropped from now on; a client outside the range is stored.
  expect((await ingest(siteId, '203.0.113.8')).headers['x-hitring-drop']).toBe('excluded_ip')
  expect((await ingest(siteId, '192.0.2.12')).headers['x-hitring-drop']).toBeUndefined()
  await waitFor(() => storedEventCount(dir.path) === before + sent + 1, 5000, 'the admitted events stored')
})

test('user add while the server runs: that user signs in', async () => {
  const r = await runCli(['user', 'add', '--email', 'late@example.test', '--password-stdin', '-data-path', dir.path], {
    input: `${PASSWORD}\n`,
  })
  expect(r.code, r.stderr).toBe(0)
  await login(server.url, 'late@example.test', PASSWORD)
})

test('verify while the server runs: rollups equal a recount after the CLI wrote beside it', async () => {
  const r = await runCli(['verify', '-data-path', dir.path])
  expect(r.code, r.stderr).toBe(0)
  expect(JSON.parse(r.stdout).mismatches).toBe(0)
})
