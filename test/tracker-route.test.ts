/**
 * GET /hk.js and /hk.<hash>.js on the built server: the bytes of the build, caching headers, ETag and
 * 304, gzip, HEAD; and the build's size budget (printed, enforced).
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { request } from 'node:http'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync, gzipSync, constants } from 'node:zlib'
import { addSite, ROOT, startServer, tempDataDir, type ServerProcess, cleanupsAfterAll } from './helpers/server.js'
import { buildTracker, GZIP_BUDGET_BYTES, type TrackerManifest } from '../tracker/build.mjs'

const cleanups = cleanupsAfterAll()

let server: ServerProcess
let manifest: TrackerManifest
let built: Buffer

beforeAll(async () => {
  const dir = tempDataDir()
  cleanups.push(() => dir.remove())
  addSite(dir.path, 'shop.test')
  server = await startServer(dir.path)
  cleanups.push(() => server.stop())
  manifest = JSON.parse(await readFile(join(ROOT, 'dist/tracker/manifest.json'), 'utf8'))
  built = await readFile(join(ROOT, 'dist/tracker/hk.js'))
})

interface Got {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

/** A request that keeps the body as bytes (gzip) and does not decode it. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method, headers }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (d: Buffer) => parts.push(d))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('GET /hk.js', () => {
  test('serves the built script as JavaScript, cached for an hour, naming its immutable URL', async () => {
    const a = await get('/hk.js')
    expect(a.status).toBe(200)
    expect(a.body.equals(built)).toBe(true)
    expect(a.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(a.headers['cache-control']).toBe('public, max-age=3600')
    expect(a.headers.etag).toBe(`"${manifest.hash}"`)
    expect(a.headers['content-location']).toBe(`hk.${manifest.hash}.js`)
    expect(a.headers['access-control-allow-origin']).toBe('*')
    expect(a.headers.vary).toBe('Accept-Encoding')
    expect(a.headers['content-encoding']).toBeUndefined()
  })

  test('the hashed URL serves the same bytes, immutable for a year', async () => {
    const a = await get(`/hk.${manifest.hash}.js`)
    expect(a.status).toBe(200)
    expect(a.body.equals(built)).toBe(true)
    expect(a.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(a.headers.etag).toBe(`"${manifest.hash}"`)
    expect((await get('/hk.0000000000000000.js')).status).toBe(404)
  })

  test('gzip when accepted (the bytes measured by the build), never when refused', async () => {
    const a = await get('/hk.js', { 'Accept-Encoding': 'br, gzip, deflate' })
    expect(a.headers['content-encoding']).toBe('gzip')
    expect(a.body.length).toBe(manifest.gzipBytes)
    expect(gunzipSync(a.body).equals(built)).toBe(true)
    expect(a.headers.etag).toBe(`"${manifest.hash}-gz"`)
    for (const refused of ['gzip;q=0', 'identity', 'br', 'gzip;q=0, *']) {
      expect((await get('/hk.js', { 'Accept-Encoding': refused })).headers['content-encoding']).toBeUndefined()
    }
    expect((await get('/hk.js', { 'Accept-Encoding': '*' })).headers['content-encoding']).toBe('gzip')
  })

  test('If-None-Match with either validator (weak or strong, in a list) → 304 without a body', async () => {
    for (const tag of [`"${manifest.hash}"`, `W/"${manifest.hash}-gz"`, `"other", "${manifest.hash}"`, '*']) {
      const a = await get('/hk.js', { 'If-None-Match': tag, 'Accept-Encoding': 'gzip' })
      expect(a.status).toBe(304)
      expect(a.body.length).toBe(0)
      expect(a.headers.etag).toBe(`"${manifest.hash}-gz"`)
      expect(a.headers['cache-control']).toBe('public, max-age=3600')
    }
    expect((await get('/hk.js', { 'If-None-Match': '"stale"' })).status).toBe(200)
  })

  test('HEAD: the headers and length of a GET, no body; other methods → 405', async () => {
    const a = await get('/hk.js', {}, 'HEAD')
    expect(a.status).toBe(200)
    expect(Number(a.headers['content-length'])).toBe(built.length)
    expect(a.body.length).toBe(0)
    const post = await get('/hk.js', {}, 'POST')
    expect(post.status).toBe(405)
    expect(post.headers.allow).toBe('GET, HEAD')
    expect(JSON.parse(post.body.toString()).code).toBe('method_not_allowed')
    // The server is still up (a mistake here would abort uWebSockets.js).
    expect((await get('/healthz')).status).toBe(200)
  })
})

describe('the size budget', () => {
  test(`the built hk.js is at most ${GZIP_BUDGET_BYTES} bytes gzipped`, () => {
    expect(manifest.budgetGzipBytes).toBe(1500)
    expect(manifest.bytes).toBe(built.length)
    expect(manifest.gzipBytes).toBe(gzipSync(built, { level: constants.Z_BEST_COMPRESSION }).length)
    expect(manifest.gzipBytes).toBeLessThanOrEqual(1500)
  })

  test('a build over budget fails, saying by how much', async () => {
    const tmp = tempDataDir()
    cleanups.push(() => tmp.remove())
    const out = join(tmp.path, 'tracker')
    await expect(buildTracker({ outdir: out, budget: 500 })).rejects.toThrow(
      /hk\.js: \d+ bytes, \d+ bytes gzipped \(budget 500\)[\s\S]*over its gzip budget/,
    )
  })
})
