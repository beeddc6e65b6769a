/**
 * Bad input gets a clear error and nothing is stored: every refusal has its status, a stable `code`,
 * a message and the offending field; no input produces a 5xx or crashes the server.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { connect } from 'node:net'
import { addSite, startServer, tempDataDir, type ServerProcess } from './helpers/server.js'
import { postJson, send } from './helpers/http.js'
import { storedEventCount } from './helpers/store.js'

const dir = tempDataDir()
let server: ServerProcess
let siteId: string
const good = () => ({
  site_id: siteId,
  name: 'signup',
  url: 'https://shop.example/x',
  referrer: '',
  props: { plan: 'pro' },
})

beforeAll(async () => {
  siteId = addSite(dir.path, 'shop.example')
  // A generous limit: this file is about validation, not rate limiting.
  server = await startServer(dir.path, ['-ingest-rate', '100000', '-ingest-burst', '100000'])
})
afterAll(async () => {
  await server?.stop()
  dir.remove()
})

const manyProps = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, i]))

test.each([
  ['invalid JSON', '{"site_id":', 400, 'invalid_json', undefined],
  ['a JSON array', '[1,2]', 400, 'invalid_field', '(body)'],
  ['JSON null', 'null', 400, 'invalid_field', '(body)'],
  ['missing name', () => ({ ...good(), name: undefined }), 400, 'invalid_field', 'name'],
  ['empty name', () => ({ ...good(), name: '  ' }), 400, 'invalid_field', 'name'],
  ['name over 120 characters', () => ({ ...good(), name: 'n'.repeat(121) }), 400, 'invalid_field', 'name'],
  ['name not a string', () => ({ ...good(), name: 42 }), 400, 'invalid_field', 'name'],
  ['relative url', () => ({ ...good(), url: '/checkout' }), 400, 'invalid_field', 'url'],
  ['ftp url', () => ({ ...good(), url: 'ftp://shop.example/x' }), 400, 'invalid_field', 'url'],
  [
    'url over 2000 bytes',
    () => ({ ...good(), url: `https://shop.example/${'a'.repeat(1990)}` }),
    400,
    'invalid_field',
    'url',
  ],
  ['missing url', () => ({ ...good(), url: undefined }), 400, 'invalid_field', 'url'],
  ['nested props', () => ({ ...good(), props: { plan: { tier: 'pro' } } }), 400, 'invalid_field', 'props.plan'],
  ['array prop value', () => ({ ...good(), props: { tags: ['a'] } }), 400, 'invalid_field', 'props.tags'],
  ['null prop value', () => ({ ...good(), props: { plan: null } }), 400, 'invalid_field', 'props.plan'],
  ['props not an object', () => ({ ...good(), props: 'plan=pro' }), 400, 'invalid_field', 'props'],
  ['more than 30 props', () => ({ ...good(), props: manyProps }), 400, 'invalid_field', 'props'],
  [
    'prop key over 300 bytes',
    () => ({ ...good(), props: { ['k'.repeat(301)]: 1 } }),
    400,
    'invalid_field',
    `props.${'k'.repeat(301)}`,
  ],
  [
    'prop value over 2000 bytes',
    () => ({ ...good(), props: { plan: 'é'.repeat(1001) } }),
    400,
    'invalid_field',
    'props.plan',
  ],
  ['site_id not a UUID', () => ({ ...good(), site_id: 'abc' }), 400, 'invalid_field', 'site_id'],
  [
    'unknown site_id',
    () => ({ ...good(), site_id: '00000000-0000-4000-8000-000000000000' }),
    404,
    'unknown_site',
    'site_id',
  ],
  ['no site_id and no Origin', () => ({ ...good(), site_id: undefined }), 400, 'missing_site_id', 'site_id'],
])('%s → %i %s', async (_what, body, status, code, field) => {
  const payload = typeof body === 'function' ? JSON.stringify(body()) : body
  const a = await send(`${server.url}/ingest/event`, { body: payload, headers: { 'Content-Type': 'application/json' } })
  expect(a.status).toBe(status)
  expect(a.headers['content-type']).toBe('application/json')
  const err = a.json()
  expect(err.code).toBe(code)
  expect(typeof err.message).toBe('string')
  expect(err.message.length).toBeGreaterThan(5)
  expect(err.field).toBe(field)
  if (field) expect(err.fields.map((f: { field: string }) => f.field)).toContain(field)
})

test('unknown extra fields are ignored', async () => {
  const a = await postJson(`${server.url}/ingest/event`, { ...good(), extra: { deep: [1, 2] }, ts: 'whenever' })
  expect(a.status).toBe(202)
})

test('a declared body over 64 KiB is refused with 413 before it is read', async () => {
  const a = await send(`${server.url}/ingest/event`, {
    body: Buffer.alloc(64 * 1024 + 1, 0x20),
    headers: { 'Content-Type': 'application/json' },
  })
  expect(a.status).toBe(413)
  expect(a.json().code).toBe('body_too_large')
})

test('a chunked body is cut off with 413 the moment it passes 64 KiB', async () => {
  const chunk = Buffer.alloc(16 * 1024, 0x20)
  const a = await send(`${server.url}/ingest/event`, {
    chunks: [chunk, chunk, chunk, chunk, chunk, chunk],
    headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
  })
  expect(a.status).toBe(413)
  expect(a.json().code).toBe('body_too_large')
})

test('a form-encoded body is refused with 415 and says what to send', async () => {
  const a = await send(`${server.url}/ingest/event`, {
    body: JSON.stringify(good()),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  })
  expect(a.status).toBe(415)
  expect(a.json()).toMatchObject({ code: 'unsupported_media_type' })
  expect(a.json().message).toMatch(/application\/json/)
})

test.each(['GET', 'PUT', 'DELETE', 'PATCH'])('%s on an ingest route → 405 with Allow', async (method) => {
  for (const path of ['/ingest/event', '/ingest']) {
    const a = await send(`${server.url}${path}`, { method })
    expect(a.status).toBe(405)
    expect(a.headers.allow).toBe('POST, OPTIONS')
    expect(a.json().code).toBe('method_not_allowed')
  }
})

test('an unknown route → 404 with the JSON error shape', async () => {
  const a = await send(`${server.url}/nope`, { method: 'GET' })
  expect(a.status).toBe(404)
  expect(a.json()).toMatchObject({ code: 'not_found' })
})

test('garbage on the socket does not crash the server', async () => {
  await new Promise<void>((resolve) => {
    const sock = connect(server.port, '127.0.0.1', () => {
      sock.write('POST /ingest/event HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n\x00\xff{{{')
      sock.end()
    })
    sock.on('close', () => resolve())
    sock.on('error', () => resolve())
  })
  const bin = await send(`${server.url}/ingest/event`, {
    body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
    headers: { 'Content-Type': 'application/json' },
  })
  expect(bin.status).toBe(400)
  const ok = await send(`${server.url}/healthz`, { method: 'GET' })
  expect(ok.status).toBe(200)
})

test('an Origin whose host is longer than any domain is an unknown site, not a crash', async () => {
  // Found by the hostile-input fuzzer: a host over ~4 KB did not fit an LMDB key, and the lookup's
  // RangeError, thrown on the HTTP thread, ended the process.
  // (Lengths under node:http's 16 KiB answer-head limit: the Origin is echoed in Access-Control-Allow-Origin.)
  for (const length of [254, 5_000, 12_000]) {
    const a = await postJson(
      `${server.url}/ingest`,
      { url: 'https://x.example/' },
      { Origin: `https://${'a'.repeat(length)}.example` },
    )
    expect(a.status).toBe(202)
    expect(a.headers['x-hitring-drop']).toBe('unknown_site_origin')
  }
  expect((await send(`${server.url}/healthz`, { method: 'GET' })).status).toBe(200)
})

test('after all the refusals, only the accepted events were stored and no answer was a 5xx', async () => {
  // Exactly one event was accepted in this file ("unknown extra fields are ignored").
  const deadline = Date.now() + 2000
  while (storedEventCount(dir.path) < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  expect(storedEventCount(dir.path)).toBe(1)
  const metrics = (await send(`${server.url}/metrics`, { method: 'GET' })).text
  expect(metrics).toMatch(/hitring_ingest_accepted_total\{kind="event"\} 1\n/)
  expect(server.proc.exitCode).toBeNull()
})
