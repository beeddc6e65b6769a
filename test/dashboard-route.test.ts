/**
 * How the built server serves the dashboard: the HTML shell at the app's own paths (no-cache, ETag, a
 * strict Content-Security-Policy whose script hash matches the shell's inline script, the set-up state,
 * whether the request carried a live session, and the public URL), hashed assets (immutable, gzip, 304) — and every
 * other path answered as before: JSON 404/405, the API, the tracker and the operations routes.
 */
import { beforeAll, expect, test } from 'vitest'
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { ROOT, startServer, tempDataDir, type ServerProcess, cleanupsAfterAll } from './helpers/server.js'
import { call, initialUser } from './helpers/api.js'

const cleanups = cleanupsAfterAll()

let server: ServerProcess
let manifest: { js: string; css: string; themeScriptSha256: string; bytes: { js: number; jsGzip: number } }

async function start(args: string[] = []): Promise<ServerProcess> {
  const dir = tempDataDir()
  cleanups.push(() => dir.remove())
  const s = await startServer(dir.path, args)
  cleanups.push(() => s.stop())
  return s
}

beforeAll(async () => {
  server = await start()
  manifest = JSON.parse(await readFile(join(ROOT, 'dist/dashboard/manifest.json'), 'utf8'))
})

interface Got {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  text: string
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET', base = server.url): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (d: Buffer) => parts.push(d))
      res.on('end', () => {
        const body = Buffer.concat(parts)
        resolve({ status: res.statusCode!, headers: res.headers, body, text: body.toString('utf8') })
      })
    })
    req.on('error', reject)
    req.end()
  })
}

const meta = (html: string, name: string) => new RegExp(`<meta name="${name}" content="([^"]*)">`).exec(html)?.[1]

test.each([
  '/',
  '/login',
  '/setup',
  '/sites',
  '/sites/abc',
  '/sites/abc/goals',
  '/sites/abc/events',
  '/sites/abc/settings',
])('GET %s → the HTML shell, not cached without revalidation', async (path) => {
  const a = await get(path)
  expect(a.status).toBe(200)
  expect(a.headers['content-type']).toBe('text/html; charset=utf-8')
  expect(a.headers['cache-control']).toBe('no-cache')
  expect(a.headers['x-frame-options']).toBe('DENY')
  expect(a.text).toContain(`<script type="module" src="/assets/${manifest.js}"></script>`)
  expect(a.text).toContain(`<link rel="stylesheet" href="/assets/${manifest.css}">`)
  expect(meta(a.text, 'hitring-base')).toBe('/')
  expect(meta(a.text, 'hitring-public-url')).toBe('') // no -public-url: the snippet names the address opened
})

test('the CSP allows this origin only, and the one inline script by its hash', async () => {
  const a = await get('/')
  const csp = String(a.headers['content-security-policy'])
  expect(csp).toContain("default-src 'self'")
  expect(csp).toContain("connect-src 'self'")
  expect(csp).toContain("frame-ancestors 'none'")
  expect(csp).not.toContain('unsafe-inline')
  const inline = /<script>(.*?)<\/script>/.exec(a.text)![1]!
  expect(csp).toContain(`'sha256-${createHash('sha256').update(inline).digest('base64')}'`)
  expect(csp).toContain(`'sha256-${manifest.themeScriptSha256}'`)
})

test('ETag and If-None-Match → 304; HEAD has the length and no body', async () => {
  const a = await get('/sites/x')
  const again = await get('/sites/x', { 'If-None-Match': String(a.headers.etag) })
  expect(again.status).toBe(304)
  expect(again.body.length).toBe(0)
  const head = await get('/', {}, 'HEAD')
  expect(head.status).toBe(200)
  expect(head.headers['content-length']).toBe(String(a.body.length))
  expect(head.body.length).toBe(0)
})

test('the shell says whether the first user is still to be created, and stops saying so once they are', async () => {
  const s = await start()
  expect(meta((await get('/', {}, 'GET', s.url)).text, 'hitring-setup')).toBe('needed')
  await initialUser(s.url)
  expect(meta((await get('/', {}, 'GET', s.url)).text, 'hitring-setup')).toBe('done')
})

test('the shell says if the request carried a live session (HttpOnly cookie), and varies with the cookie', async () => {
  const s = await start()
  const shell = (cookie?: string, headers: Record<string, string> = {}) =>
    get('/sites/x', { ...headers, ...(cookie ? { Cookie: `other=1; hk_token=${cookie}` } : {}) }, 'GET', s.url)
  const cookie = await initialUser(s.url)
  const live = await shell(cookie)
  expect(meta(live.text, 'hitring-session')).toBe('live')
  expect(live.headers.vary).toBe('Cookie')
  const none = await shell()
  expect(meta(none.text, 'hitring-session')).toBe('none')
  expect(none.headers.etag).not.toBe(live.headers.etag)
  expect(meta((await shell(`hks_${'A'.repeat(43)}`)).text, 'hitring-session')).toBe('none') // no such session
  expect((await call(s.url, 'POST', '/api/logout', { cookie })).status).toBe(200)
  // Signed out: the copy a browser kept (its ETag) is not the answer any more.
  const after = await shell(cookie, { 'If-None-Match': String(live.headers.etag) })
  expect(after.status).toBe(200)
  expect(meta(after.text, 'hitring-session')).toBe('none')
})

test('assets: immutable, gzip when accepted (the same bytes), 304 on a matching ETag', async () => {
  const raw = await get(`/assets/${manifest.js}`)
  expect(raw.status).toBe(200)
  expect(raw.headers['content-type']).toBe('text/javascript; charset=utf-8')
  expect(raw.headers['cache-control']).toBe('public, max-age=31536000, immutable')
  expect(raw.body.length).toBe(manifest.bytes.js)
  const gz = await get(`/assets/${manifest.js}`, { 'Accept-Encoding': 'gzip, br' })
  expect(gz.headers['content-encoding']).toBe('gzip')
  expect(gz.body.length).toBe(manifest.bytes.jsGzip)
  expect(gunzipSync(gz.body).equals(raw.body)).toBe(true)
  expect(
    (await get(`/assets/${manifest.js}`, { 'Accept-Encoding': 'gzip', 'If-None-Match': String(gz.headers.etag) }))
      .status,
  ).toBe(304)
  const css = await get(`/assets/${manifest.css}`)
  expect(css.headers['content-type']).toBe('text/css; charset=utf-8')
  // The name is the content's hash.
  expect(manifest.js).toBe(`app.${createHash('sha256').update(raw.body).digest('hex').slice(0, 16)}.js`)
})

test('everything else answers as before: JSON 404/405, the API, hk.js and the operations routes', async () => {
  for (const path of ['/nope', '/assets/app.0000000000000000.js', '/assets', '/sitesx', '/favicon.ico']) {
    const a = await get(path)
    expect(a.status, path).toBe(404)
    expect(a.headers['content-type'], path).toBe('application/json')
    expect(JSON.parse(a.text).code).toBe('not_found')
  }
  const post = await get('/', {}, 'POST')
  expect(post.status).toBe(405)
  expect(JSON.parse(post.text).code).toBe('method_not_allowed')
  expect((await get('/api/me')).status).toBe(401)
  expect((await get('/api/openapi.json')).status).toBe(200)
  expect((await get('/hk.js')).status).toBe(200)
  expect((await get('/healthz')).status).toBe(200)
  expect((await get('/readyz')).status).toBe(200)
  expect((await get('/metrics')).status).toBe(200)
  expect((await get('/ingest/event')).status).toBe(405)
})

test('behind a path prefix (-public-url …/stats): assets and the app under the prefix', async () => {
  const s = await start(['-public-url', 'https://analytics.example.test/stats'])
  const a = await get('/', {}, 'GET', s.url)
  expect(meta(a.text, 'hitring-base')).toBe('/stats/')
  expect(meta(a.text, 'hitring-public-url')).toBe('https://analytics.example.test/stats')
  expect(a.text).toContain(`src="/stats/assets/${manifest.js}"`)
})
