/**
 * The dashboard (src/dashboard/, built by src/dashboard/build.mjs into dist/dashboard/): its HTML shell at
 * the app's own paths, and its hashed assets. Files are read once at start-up; requests only pick a buffer.
 *
 * | URL | answer | Cache-Control |
 * |---|---|---|
 * | `/`, `/login`, `/setup`, `/sites`, `/sites/*` (GET, HEAD) | the HTML shell | `no-cache` (ETag) |
 * | `/assets/app.<hash>.{js,css}` | the bundle, gzip when accepted | `public, max-age=31536000, immutable` |
 *
 * Only these paths: every other unknown path keeps its JSON 404 (the ingest and operations contract).
 * The shell carries four facts for the app: the path hitring is served under (from the public URL),
 * the public URL (for the snippet), whether the first user is still to be created, and whether this
 * request carried a live login session. The session cookie is HttpOnly, so only the server can tell;
 * without one the app does not ask `GET /api/me`, whose 401 (HitKeep's contract when signed out) every
 * browser logs as a console error. The shell varies with the cookie (`Vary: Cookie`). It is sent with a
 * strict Content-Security-Policy: scripts, styles and requests from this origin only.
 * @module
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { HttpRequest, HttpResponse } from '../native/uws.js'
import type { Routes } from '../http/framing.js'
import { hasAnyUser } from '../accounts/users.js'
import { sessionCredentials } from '../api/access.js'
import type { ApiDeps } from '../api/types.js'
import { refuse } from '../errors/index.js'
import { findBuiltDir } from '../http/built-assets.js'
import { endAnswer } from '../http/head.js'
import { sendError, statusLine, writeHead } from '../http/respond.js'
import { writeOpenerPolicy } from '../http/security-headers.js'
import { acceptsGzip } from '../http/tracker-route.js'

export const DASHBOARD_DIST = 'dist/dashboard'
/** The client-side routes of src/dashboard/router.ts. */
export const SHELL_PATHS = ['/', '/login', '/setup', '/sites', '/sites/*']
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable'

interface Asset {
  raw: Buffer
  gzip: Buffer
  etag: string
  contentType: string
}

export interface DashboardBuild {
  /** index.html with `{{BASE}}`, `{{PUBLIC_URL}}`, `{{SETUP}}` and `{{SESSION}}` left to fill. */
  template: string
  assets: Map<string, Asset>
  /** CSP source of the shell's one inline script (the theme, applied before the first paint). */
  themeScriptHash: string
}

/** dist/dashboard/ (see src/http/built-assets.ts). */
export function defaultDashboardDir(): string {
  return findBuiltDir(DASHBOARD_DIST, 'index.html', 'the dashboard')
}

/** Reads the build once (start-up only). */
export function loadDashboard(dir = defaultDashboardDir()): DashboardBuild {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { themeScriptSha256: string }
  const assets = new Map<string, Asset>()
  for (const name of readdirSync(join(dir, 'assets'))) {
    const type = name.endsWith('.js')
      ? 'text/javascript; charset=utf-8'
      : name.endsWith('.css')
        ? 'text/css; charset=utf-8'
        : null
    if (type === null) continue
    const raw = readFileSync(join(dir, 'assets', name))
    const gzip = readFileSync(join(dir, 'assets', `${name}.gz`))
    assets.set(name, {
      raw,
      gzip,
      etag: `"${createHash('sha256').update(raw).digest('hex').slice(0, 16)}"`,
      contentType: type,
    })
  }
  return {
    template: readFileSync(join(dir, 'index.html'), 'utf8'),
    assets,
    themeScriptHash: `'sha256-${manifest.themeScriptSha256}'`,
  }
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** The path part of the public URL, with a trailing slash: `/`, or `/stats/` behind a path prefix. */
export function basePath(publicUrl: string): string {
  try {
    const p = new URL(publicUrl).pathname
    return p.endsWith('/') ? p : `${p}/`
  } catch {
    return '/'
  }
}

function securityHeaders(res: HttpResponse, build: DashboardBuild): void {
  res.writeHeader(
    'Content-Security-Policy',
    `default-src 'self'; script-src 'self' ${build.themeScriptHash}; style-src 'self'; img-src 'self' data:; ` +
      `connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; ` +
      `frame-ancestors 'none'`,
  )
  res.writeHeader('X-Frame-Options', 'DENY')
  res.writeHeader('Referrer-Policy', 'same-origin')
  writeOpenerPolicy(res) // only where browsers honour it (src/http/security-headers.ts)
}

const matches = (ifNoneMatch: string, etag: string) =>
  ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*')

export function registerDashboardRoutes(
  app: Routes,
  deps: Pick<ApiDeps, 'store' | 'publicUrl' | 'publicUrlConfigured'>,
  build: DashboardBuild = loadDashboard(),
): void {
  // One rendering per (public URL, set-up state, signed in or not): the first two change at most once
  // in a server's life, so there are at most four.
  const shells = new Map<string, { body: Buffer; etag: string }>()
  const shellFor = (cookie: string): { body: Buffer; etag: string } => {
    const publicUrl = deps.publicUrl()
    let setupNeeded = false
    // Unknown (the store is closing): 'live', so the app asks the API, which says what is wrong.
    let session = cookie === '' ? 'none' : 'live'
    try {
      deps.store.env.resetReadTxn() // the first user and sessions are written by workers: read the latest commit
      setupNeeded = !hasAnyUser(deps.store)
      // A stale or revoked cookie is no session either: the app goes straight to the sign-in page.
      if (cookie !== '') session = sessionCredentials(deps.store, cookie, Date.now()).kind === 'ok' ? 'live' : 'none'
    } catch {
      // The store is closing (shutdown): the app then asks the API, which says so.
    }
    const key = `${publicUrl}\n${setupNeeded}\n${session}`
    let shell = shells.get(key)
    if (!shell) {
      const html = build.template
        .replaceAll('{{BASE}}', attr(basePath(publicUrl)))
        // Without -public-url, none: the snippet then names the address the dashboard was opened at.
        .replaceAll('{{PUBLIC_URL}}', attr(deps.publicUrlConfigured ? publicUrl : ''))
        .replaceAll('{{SETUP}}', setupNeeded ? 'needed' : 'done')
        .replaceAll('{{SESSION}}', session)
      const body = Buffer.from(html)
      shell = { body, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"` }
      shells.set(key, shell)
    }
    return shell
  }

  const serveShell = (res: HttpResponse, req: HttpRequest) => {
    const ifNoneMatch = req.getHeader('if-none-match')
    const shell = shellFor(req.getHeader('cookie'))
    const notModified = ifNoneMatch !== '' && matches(ifNoneMatch, shell.etag)
    writeHead(res, notModified ? '304 Not Modified' : statusLine(200))
    res.writeHeader('ETag', shell.etag)
    res.writeHeader('Cache-Control', 'no-cache')
    res.writeHeader('Vary', 'Cookie')
    if (notModified) return void res.endWithoutBody()
    res.writeHeader('Content-Type', 'text/html; charset=utf-8')
    securityHeaders(res, build)
    endAnswer(res, shell.body) // to a HEAD: the length, no body (src/http/head.ts)
  }

  const serveAsset = (res: HttpResponse, req: HttpRequest) => {
    const asset = build.assets.get(req.getParameter(0) ?? '')
    if (!asset) return sendError(res, refuse('not_found'))
    const gzip = acceptsGzip(req.getHeader('accept-encoding'))
    const etag = gzip ? `${asset.etag.slice(0, -1)}-gz"` : asset.etag
    const notModified = matches(req.getHeader('if-none-match'), etag)
    writeHead(res, notModified ? '304 Not Modified' : statusLine(200))
    res.writeHeader('ETag', etag)
    res.writeHeader('Cache-Control', IMMUTABLE_CACHE)
    res.writeHeader('Vary', 'Accept-Encoding')
    if (notModified) return void res.endWithoutBody()
    res.writeHeader('Content-Type', asset.contentType)
    if (gzip) res.writeHeader('Content-Encoding', 'gzip')
    endAnswer(res, gzip ? asset.gzip : asset.raw)
  }

  for (const path of SHELL_PATHS) {
    app.get(path, serveShell)
    app.head(path, serveShell)
    app.any(path, (res) => sendError(res, refuse('method_not_allowed', 'GET, HEAD')))
  }
  app.get('/assets/:name', serveAsset)
  app.head('/assets/:name', serveAsset)
  app.any('/assets/*', (res) => sendError(res, refuse('not_found')))
}
