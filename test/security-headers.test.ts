/**
 * Security headers, per the public URL (src/http/security-headers.ts): `X-Content-Type-Options: nosniff`
 * on every answer of every route family — ingest 202s, errors and preflights, the catch-all 404, a 405,
 * operations, tracker, dashboard (200 and 304), the REST API, server ingestion, an event stream;
 * `Strict-Transport-Security` on all of them only with an https public URL; the dashboard's
 * `Cross-Origin-Opener-Policy` only on an origin browsers treat as potentially trustworthy (https, or http
 * on localhost / 127.0.0.1 / [::1]) — checked in Chromium, which logs an error for COOP anywhere else.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { request } from 'node:http'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { call, createApiClient, createSite, GENEROUS, initialUser } from './helpers/api.js'
import { launchChromium } from './helpers/browser.js'
import { send } from './helpers/http.js'
import { rawExchange, firstHeaders } from './helpers/raw.js'
import { ROOT, startServer, tempDataDir, type ServerProcess, cleanupsAfterAll } from './helpers/server.js'

const cleanups = cleanupsAfterAll()

async function start(args: string[] = []): Promise<ServerProcess> {
  const dir = tempDataDir()
  cleanups.push(() => dir.remove())
  const s = await startServer(dir.path, [...GENEROUS, ...args])
  cleanups.push(() => s.stop())
  return s
}

type Headers = Record<string, string | string[] | undefined>

/** The first headers of an event stream (the stream itself is then closed). */
function streamHeaders(url: string, cookie: string): Promise<Headers> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Cookie: `hk_token=${cookie}`, Accept: 'text/event-stream' } }, (res) => {
      resolve(res.headers)
      req.destroy()
    })
    req.on('error', reject)
    req.end()
  })
}

/** One answer of each kind hitring writes, by name: its status and headers. */
async function everyKindOfAnswer(s: ServerProcess): Promise<Array<[string, number, Headers]>> {
  const cookie = await initialUser(s.url)
  const site = await createSite(s.url, cookie, 'shop.example')
  const { token } = await createApiClient(s.url, cookie, [{ site_id: site.id, role: 'editor' }])
  const manifest = JSON.parse(readFileSync(join(ROOT, 'dist/dashboard/manifest.json'), 'utf8')) as { js: string }
  const event = JSON.stringify({
    site_id: site.id,
    name: 'signup',
    url: 'https://shop.example/x',
    referrer: '',
    props: {},
  })
  const serverEvent = {
    url: 'https://shop.example/x',
    timestamp: new Date().toISOString(),
    visitor_ip: '198.51.100.7',
    user_agent: 'curl/8.5.0',
    name: 'signup',
  }
  const json = { 'Content-Type': 'application/json' }
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    send(`${s.url}${path}`, { method, headers })
  const out: Array<[string, number, Headers]> = []
  const add = (name: string, a: { status: number; headers: Headers }) => out.push([name, a.status, a.headers])

  add(
    'ingest 202',
    await send(`${s.url}/ingest/event`, { body: event, headers: { ...json, Origin: 'https://shop.example' } }),
  )
  add(
    'ingest 202 with a drop',
    await send(`${s.url}/ingest/event`, { body: event, headers: { ...json, 'Sec-Purpose': 'prefetch' } }),
  )
  add('ingest 400', await send(`${s.url}/ingest`, { body: '{', headers: json }))
  add(
    'ingest preflight 204',
    await get('/ingest/event', { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' }, 'OPTIONS'),
  )
  add('ingest 405', await get('/ingest/event'))
  add('catch-all 404', await get('/nope'))
  add('GET /healthz', await get('/healthz'))
  add('HEAD /healthz', await get('/healthz', {}, 'HEAD'))
  add('GET /readyz', await get('/readyz'))
  add('GET /metrics', await get('/metrics'))
  const hk = await get('/hk.js')
  add('hk.js 200', hk)
  add('hk.js 304', await get('/hk.js', { 'If-None-Match': String(hk.headers.etag) }))
  add('tracker 405', await get('/hk.js', {}, 'DELETE'))
  const shell = await get('/')
  add('dashboard shell 200', shell)
  add('dashboard shell 304', await get('/', { 'If-None-Match': String(shell.headers.etag) }))
  add('dashboard HEAD', await get('/sites', {}, 'HEAD'))
  add('dashboard asset 200', await get(`/assets/${manifest.js}`))
  add('dashboard unknown asset 404', await get('/assets/app.0000000000000000.js'))
  add('API 401', await get('/api/me'))
  add('API 200', await call(s.url, 'GET', '/api/sites', { cookie }))
  add(
    'API 201',
    await call(s.url, 'POST', `/api/sites/${site.id}/goals`, { cookie }, { name: 'g', type: 'event', value: 'signup' }),
  )
  add('API 404', await get('/api/nope'))
  add('API OpenAPI document', await get('/api/openapi.json'))
  add('API event stream', { status: 200, headers: await streamHeaders(`${s.url}/api/sites/${site.id}/stream`, cookie) })
  add('server ingest 202', await call(s.url, 'POST', '/api/ingest/server/event', { token }, serverEvent))
  add('server ingest 401', await call(s.url, 'POST', '/api/ingest/server/event', {}, serverEvent))
  add('batch 202', await call(s.url, 'POST', '/api/ingest/batch', { token }, [serverEvent]))
  const refused = await rawExchange(s.port, [
    'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nContent-Length: 1\r\n\r\n',
  ])
  add('repeated Content-Length 400', { status: Number(refused.text.slice(9, 12)), headers: firstHeaders(refused.text) })
  return out
}

describe.each([
  ['an http public URL (the default: the listening address, http://127.0.0.1:<port> here)', [], false],
  ['an https public URL', ['-public-url', 'https://analytics.example.test'], true],
])('with %s', (_what, args, https) => {
  let answers: Array<[string, number, Headers]>
  beforeAll(async () => {
    answers = await everyKindOfAnswer(await start(args))
  })

  test('every answer of every route family says nosniff', () => {
    expect(answers.length).toBeGreaterThan(25)
    for (const [name, status, headers] of answers) {
      expect(status, name).toBeGreaterThanOrEqual(200)
      expect(headers['x-content-type-options'], `${name} (${status})`).toBe('nosniff')
    }
    // The sample has what it says: a 202, a 204, a 304, a 400, a 401, a 404 and a 405.
    expect(new Set(answers.map(([, status]) => status))).toEqual(new Set([200, 201, 202, 204, 304, 400, 401, 404, 405]))
  })

  test(`Strict-Transport-Security is ${https ? 'on every answer' : 'on none'}`, () => {
    for (const [name, status, headers] of answers) {
      expect(headers['strict-transport-security'], `${name} (${status})`).toBe(https ? 'max-age=31536000' : undefined)
    }
  })

  test('the dashboard shell has Cross-Origin-Opener-Policy (a potentially trustworthy origin)', () => {
    const shell = answers.find(([name]) => name === 'dashboard shell 200')![2]
    expect(shell['cross-origin-opener-policy']).toBe('same-origin')
  })
})

describe('COOP in Chromium', () => {
  /** Console errors while the dashboard loads at `url` (its own 401 for "not signed in" aside). */
  async function consoleErrors(url: string, hosts: string[]): Promise<{ coop: string | undefined; errors: string[] }> {
    const browser = await launchChromium({ hosts })
    cleanups.push(() => browser.close())
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    const answer = await page.goto(url)
    await page.waitForLoadState('networkidle')
    await browser.close()
    return {
      coop: answer?.headers()['cross-origin-opener-policy'],
      errors: errors.filter((e) => !/status of 401/.test(e)),
    }
  }

  test('on a plain-http origin that is not localhost, no COOP and no console error', async () => {
    const s = await start(['-public-url', 'http://hitring.test'])
    const shell = await send(`${s.url}/`, { method: 'GET' })
    expect(shell.headers['cross-origin-opener-policy']).toBeUndefined()
    expect(shell.headers['strict-transport-security']).toBeUndefined()
    const seen = await consoleErrors(`http://hitring.test:${s.port}/`, ['hitring.test'])
    expect(seen.coop).toBeUndefined()
    expect(seen.errors).toEqual([])
  })

  test('on http://127.0.0.1 (the default public URL there), COOP is sent, Chromium takes it, no error', async () => {
    const s = await start()
    const seen = await consoleErrors(`http://127.0.0.1:${s.port}/`, [])
    expect(seen.coop).toBe('same-origin')
    expect(seen.errors).toEqual([])
  })
})
