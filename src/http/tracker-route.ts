/**
 * `GET /hk.js` and `GET /hk.<hash>.js` — the tracking script (tracker/, built by tracker/build.mjs into
 * dist/tracker/). The bytes are read once, when the routes are registered at start-up; requests only
 * pick a prepared buffer.
 *
 * | URL | Cache-Control | use |
 * |---|---|---|
 * | `/hk.js` | `public, max-age=3600` | the snippet: a new version reaches visitors within the hour |
 * | `/hk.<hash>.js` | `public, max-age=31536000, immutable` | pinned: its bytes never change (/hk.js names it) |
 *
 * Both: `ETag` (a content hash; `If-None-Match` → 304), gzip when accepted (prepared at build time),
 * `Vary: Accept-Encoding`, HEAD, `Access-Control-Allow-Origin: *` (for fetch-based loaders) and
 * `Cross-Origin-Resource-Policy: cross-origin` (pages that require CORP can still load it).
 * @module
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { HttpRequest, HttpResponse } from '../native/uws.js'
import type { Routes } from './framing.js'
import { refuse } from '../errors/index.js'
import { findBuiltDir } from './built-assets.js'
import { endAnswer } from './head.js'
import { sendError, statusLine, writeHead } from './respond.js'

export const TRACKER_DIST = 'dist/tracker'
const SHORT_CACHE = 'public, max-age=3600'
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable'

export interface TrackerAsset {
  /** First 16 hex digits of the SHA-256 of the script (the same as tracker/build.mjs computes). */
  hash: string
  raw: Buffer
  gzip: Buffer
  /** Strong validators, one per representation (RFC 9110 §8.8.3). */
  etag: string
  gzipEtag: string
}

/** dist/tracker/ (see ./built-assets.ts). */
export function defaultTrackerDir(): string {
  return findBuiltDir(TRACKER_DIST, 'hk.js', 'hk.js')
}

/** Reads the built script once (start-up only: synchronous file I/O never runs on a request path). */
export function loadTrackerAsset(dir = defaultTrackerDir()): TrackerAsset {
  const raw = readFileSync(join(dir, 'hk.js'))
  const gzip = readFileSync(join(dir, 'hk.js.gz'))
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 16)
  return { hash, raw, gzip, etag: `"${hash}"`, gzipEtag: `"${hash}-gz"` }
}

/** Whether `Accept-Encoding` admits gzip: an explicit `gzip` entry decides, else `*`; `q=0` refuses. */
export function acceptsGzip(acceptEncoding: string): boolean {
  let star = false
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [coding, ...params] = part.split(';')
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const allowed = q === undefined || Number(q.slice(2)) > 0
    const name = coding!.trim()
    if (name === 'gzip' || name === 'x-gzip') return allowed
    if (name === '*') star = allowed
  }
  return star
}

/** `If-None-Match` against our validators (weak comparison, as RFC 9110 §13.1.2 asks for GET/HEAD). */
export function noneMatch(ifNoneMatch: string, asset: TrackerAsset): boolean {
  if (ifNoneMatch === '') return false
  for (const tag of ifNoneMatch.split(',')) {
    const t = tag.trim().replace(/^W\//, '')
    if (t === '*' || t === asset.etag || t === asset.gzipEtag) return true
  }
  return false
}

function serve(asset: TrackerAsset, cacheControl: string, alternate: string | null) {
  return (res: HttpResponse, req: HttpRequest): void => {
    const gzip = acceptsGzip(req.getHeader('accept-encoding'))
    const notModified = noneMatch(req.getHeader('if-none-match'), asset)
    // respond.ts has no 304 text (nothing else answers one).
    writeHead(res, notModified ? '304 Not Modified' : statusLine(200))
    res.writeHeader('ETag', gzip ? asset.gzipEtag : asset.etag)
    res.writeHeader('Cache-Control', cacheControl)
    res.writeHeader('Vary', 'Accept-Encoding')
    if (alternate !== null) res.writeHeader('Content-Location', alternate)
    // A 304 states no Content-Length (RFC 9110 §8.6 allows leaving it out).
    if (notModified) return void res.endWithoutBody()
    res.writeHeader('Content-Type', 'text/javascript; charset=utf-8')
    res.writeHeader('Access-Control-Allow-Origin', '*')
    res.writeHeader('Cross-Origin-Resource-Policy', 'cross-origin')
    if (gzip) res.writeHeader('Content-Encoding', 'gzip')
    endAnswer(res, gzip ? asset.gzip : asset.raw) // to a HEAD: the length, no body (./head.ts)
  }
}

/** Registers `/hk.js` and `/hk.<hash>.js` (GET, HEAD; other methods → 405). Throws when hk.js is not built. */
export function registerTrackerRoutes(app: Routes, asset: TrackerAsset = loadTrackerAsset()): void {
  const routes: [path: string, cacheControl: string, alternate: string | null][] = [
    // Relative, so it stays right when hitring is served under a path prefix.
    ['/hk.js', SHORT_CACHE, `hk.${asset.hash}.js`],
    [`/hk.${asset.hash}.js`, IMMUTABLE_CACHE, null],
  ]
  for (const [path, cacheControl, alternate] of routes) {
    const handler = serve(asset, cacheControl, alternate)
    app.get(path, handler)
    app.head(path, handler)
    app.any(path, (res) => sendError(res, refuse('method_not_allowed', 'GET, HEAD')))
  }
}
