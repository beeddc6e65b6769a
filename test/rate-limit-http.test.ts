/**
 * The per-IP limiter over real HTTP: it runs before the body is read, answers 429 with Retry-After
 * (seconds, ≥ 1) and a JSON error, and follows X-Forwarded-For only from a trusted proxy.
 */
import { afterEach, expect, test } from 'vitest'
import { addSite, startServer, tempDataDir, type ServerProcess } from './helpers/server.js'
import { send } from './helpers/http.js'

let server: ServerProcess | undefined
let dir: ReturnType<typeof tempDataDir>
afterEach(async () => {
  await server?.stop()
  dir.remove()
})

async function setUp(args: string[]) {
  dir = tempDataDir()
  const siteId = addSite(dir.path, 'rl.example')
  server = await startServer(dir.path, args)
  const body = JSON.stringify({ site_id: siteId, name: 'x', url: 'https://rl.example/' })
  return (headers: Record<string, string> = {}) =>
    send(`${server!.url}/ingest/event`, { body, headers: { 'Content-Type': 'application/json', ...headers } })
}

test('the defaults (20/s, burst 40) admit a burst of 40 and then refuse with 429 + Retry-After', async () => {
  const post = await setUp([])
  // 80 requests at once: the limiter sees them within a few milliseconds, whatever the machine's load.
  const started = performance.now()
  const answers = await Promise.all(Array.from({ length: 80 }, () => post()))
  const elapsedS = (performance.now() - started) / 1000
  const admitted = answers.filter((a) => a.status === 202).length
  // Exactly the burst, plus what 20/s refills while they are being answered (GCRA bound).
  expect(admitted).toBeGreaterThanOrEqual(40)
  expect(admitted).toBeLessThanOrEqual(40 + Math.ceil(20 * elapsedS) + 1)
  const limited = answers.find((a) => a.status === 429)!
  expect(limited).toBeDefined()
  expect(answers.every((a) => a.status === 202 || a.status === 429)).toBe(true)
  expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1)
  expect(limited.json()).toMatchObject({ code: 'rate_limited' })
  const metrics = (await send(`${server!.url}/metrics`, { method: 'GET' })).text
  expect(metrics).toMatch(/hitring_ingest_rate_limited_total [1-9]/)
})

test('a refused request is answered without reading its body (a 60 KiB body costs nothing)', async () => {
  const post = await setUp(['-ingest-rate', '0.1', '-ingest-burst', '1'])
  expect((await post()).status).toBe(202)
  const big = await send(`${server!.url}/ingest/event`, {
    body: Buffer.alloc(60 * 1024, 0x20),
    headers: { 'Content-Type': 'application/json' },
  })
  expect(big.status).toBe(429)
  expect(Number(big.headers['retry-after'])).toBeGreaterThanOrEqual(9)
})

test('X-Forwarded-For is ignored from an untrusted peer: spoofing it does not buy a new bucket', async () => {
  const post = await setUp(['-ingest-rate', '0.1', '-ingest-burst', '2'])
  expect((await post({ 'X-Forwarded-For': '203.0.113.1' })).status).toBe(202)
  expect((await post({ 'X-Forwarded-For': '203.0.113.2' })).status).toBe(202)
  expect((await post({ 'X-Forwarded-For': '203.0.113.3' })).status).toBe(429)
})

test('from a trusted proxy, each forwarded client has its own bucket', async () => {
  const post = await setUp(['-ingest-rate', '0.1', '-ingest-burst', '2', '-trusted-proxies', '127.0.0.1/32'])
  for (const client of ['203.0.113.1', '203.0.113.2', '2001:db8::1']) {
    expect((await post({ 'X-Forwarded-For': client })).status).toBe(202)
    expect((await post({ 'X-Forwarded-For': `198.51.100.7, ${client}` })).status).toBe(202)
    expect((await post({ 'X-Forwarded-For': client })).status).toBe(429)
  }
})
