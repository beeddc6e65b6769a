/**
 * Real-browser helpers: Debian's Chromium driven by playwright-core (never a downloaded browser), and a
 * tiny node:http server for fixture pages. Pages are reached under made-up host names (`shop.test`…)
 * mapped to 127.0.0.1 by Chromium's `--host-resolver-rules`, so the tracker sees a real, non-local site.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser } from 'playwright-core'
import { addSite, ROOT, startServer, tempDataDir, type ServerProcess } from './server.js'

export const CHROMIUM = '/usr/bin/chromium'

/** A desktop Chrome User-Agent: the engine drops `HeadlessChrome` traffic as a bot, as it should. */
export const DESKTOP_CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'

export interface LaunchOptions {
  /** Host names resolved to 127.0.0.1 (the port of the URL is kept). */
  hosts: string[]
  /** Origins treated as secure contexts (crypto.randomUUID and sessionStorage ids work on https only). */
  secureOrigins?: string[]
}

/**
 * Launches headless Chromium. Playwright's `launch` gives it a fresh temporary profile of its own and
 * removes it on close. `--disable-features=HttpsUpgrades` keeps `http://shop.test` on http.
 */
export async function launchChromium(options: LaunchOptions): Promise<Browser> {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-quic',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
    `--host-resolver-rules=${options.hosts.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`,
  ]
  if (options.secureOrigins?.length)
    args.push(`--unsafely-treat-insecure-origin-as-secure=${options.secureOrigins.join(',')}`)
  return chromium.launch({ executablePath: CHROMIUM, args, timeout: 15_000 })
}

export interface FixtureServer {
  port: number
  close(): Promise<void>
}

export interface FixtureOptions {
  /** Folder of `*.html` pages, served at `/<name>.html`; `{{KEY}}` is replaced by `vars.KEY`. */
  dir: string
  vars: Record<string, string>
  /** Extra routes: path (no query) → page file name. */
  routes?: Record<string, string>
  /** Requests under this path prefix are proxied, prefix removed, to `proxyTarget` (a reverse proxy). */
  proxyPrefix?: string
  proxyTarget?: string
}

function proxy(req: IncomingMessage, res: ServerResponse, prefix: string, target: string): void {
  const url = new URL(req.url!.slice(prefix.length) || '/', target)
  const upstream = request(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers)
    answer.pipe(res)
  })
  upstream.on('error', () => res.writeHead(502).end())
  req.pipe(upstream)
}

/**
 * Serves the fixture pages. Any other GET or POST gets a small HTML page, so navigations (SPA routes,
 * outbound targets, form actions, downloads) always land somewhere.
 */
export async function serveFixtures(options: FixtureOptions): Promise<FixtureServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname
    if (options.proxyPrefix && options.proxyTarget && path.startsWith(`${options.proxyPrefix}/`)) {
      return proxy(req, res, options.proxyPrefix, options.proxyTarget)
    }
    const file = options.routes?.[path] ?? (/^\/[\w-]+\.html$/.test(path) ? path.slice(1) : null)
    req.resume()
    if (file === null) {
      res
        .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
        .end('<!doctype html><title>elsewhere</title><p>elsewhere')
      return
    }
    readFile(join(options.dir, file), 'utf8').then(
      (html) => {
        const page = html.replace(/\{\{(\w+)\}\}/g, (_, key: string) => options.vars[key] ?? '')
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(page)
      },
      () => res.writeHead(404).end(),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** What {@link startTrackedShop} set up; all of it is closed and removed by the cleanups it registered. */
export interface TrackedShop {
  server: ServerProcess
  fixtures: FixtureServer
  browser: Browser
  dataPath: string
  /** The id of `shop.test`, a registered site. */
  siteId: string
  /** `http://shop.test:<fixture port>`: the tracked site. */
  shop: string
}

export interface TrackedShopOptions {
  /** The fixture pages' folder, under the repository (`test/fixtures/tracker`). */
  dir: string
  /** Page variables; `HK` (hk.js from `stats.test`) and `STATS` (the server's origin there) are set here. */
  vars?: Record<string, string>
  routes?: Record<string, string>
  /** Requests under `/stats` of the shop go to the server (a reverse proxy). */
  proxyStats?: boolean
  /** Server flags. */
  serverArgs?: string[]
  /** Runs once the site is added, before the server starts (site settings made with the CLI). */
  prepare?(dataPath: string, siteId: string): void
  /** Host names mapped to 127.0.0.1 besides `shop.test` and `stats.test`. */
  hosts?: string[]
}

/**
 * The stage of the tracker suites: a temp data dir holding the site `shop.test`, the built server on it,
 * the fixture pages served from `shop.test`, and Chromium mapping both names to 127.0.0.1. Each cleanup is
 * registered in `cleanups` right after its thing is made. The shop counts as a secure context, as a real
 * https site would: crypto.randomUUID (the tracker's session ids) needs one.
 */
export async function startTrackedShop(cleanups: (() => unknown)[], o: TrackedShopOptions): Promise<TrackedShop> {
  const dir = tempDataDir()
  cleanups.push(() => dir.remove())
  const siteId = addSite(dir.path, 'shop.test')
  o.prepare?.(dir.path, siteId)
  const server = await startServer(dir.path, o.serverArgs)
  cleanups.push(() => server.stop())
  const vars = o.vars ?? {}
  vars.STATS = `http://stats.test:${server.port}`
  vars.HK = `${vars.STATS}/hk.js`
  const fixtures = await serveFixtures({
    dir: join(ROOT, o.dir),
    vars,
    routes: o.routes,
    ...(o.proxyStats ? { proxyPrefix: '/stats', proxyTarget: server.url } : {}),
  })
  cleanups.push(() => fixtures.close())
  const shop = `http://shop.test:${fixtures.port}`
  const browser = await launchChromium({
    hosts: ['shop.test', 'stats.test', ...(o.hosts ?? [])],
    secureOrigins: [shop],
  })
  cleanups.push(() => browser.close())
  return { server, fixtures, browser, dataPath: dir.path, siteId, shop }
}
