/**
 * HitKeep's tracker, unchanged, in real Chromium: a page on `shop.test` (a registered site) sends exactly
 * what HitKeep 2.8.1's hk.js sends — sendBeacon of an application/json Blob (CORS-preflighted) to
 * `/ingest` and `/ingest/event`, with the page's Origin (test/fixtures/hitkeep/page.html) — and hitring
 * counts it like its own tracker's: the pageview with its path, referrer source and campaign, the event
 * with its props, in one visit.
 */
import { beforeAll, expect, test } from 'vitest'
import type { Browser, Request } from 'playwright-core'
import { waitFor, type ServerProcess, cleanupsAfterAll } from './helpers/server.js'
import { call, initialUser } from './helpers/api.js'
import { waitStored } from './helpers/store.js'
import { DESKTOP_CHROME_UA, startTrackedShop } from './helpers/browser.js'

const cleanups = cleanupsAfterAll()

let server: ServerProcess
let browser: Browser
let dataPath: string
let siteId: string
let SHOP: string

beforeAll(async () => {
  // The page sends to `{{STATS}}`: the server's origin on stats.test.
  ;({
    server,
    browser,
    dataPath,
    siteId,
    shop: SHOP,
  } = await startTrackedShop(cleanups, {
    dir: 'test/fixtures/hitkeep',
    routes: { '/plain.html': 'page.html' },
  }))
})

test("HitKeep's pageview and event, sent by Chromium, are stored and counted like ours", async () => {
  // A visitor's browser: HitKeep's tracker has no webdriver check, and a headless UA is a bot to hitring.
  const context = await browser.newContext({ userAgent: DESKTOP_CHROME_UA })
  cleanups.push(() => context.close())
  // Records each beacon's Blob as the page hands it over (Playwright shows no Blob body on the request).
  await context.addInitScript(`(() => {
    const sent = (window.__beacons = [])
    const beacon = Navigator.prototype.sendBeacon
    Navigator.prototype.sendBeacon = function (url, data) {
      sent.push(data)
      return beacon.call(this, url, data)
    }
  })()`)
  const page = await context.newPage()
  const beacons: Request[] = []
  page.on('request', (r) => {
    if (r.url().includes('/ingest')) beacons.push(r)
  })
  await page.goto(`${SHOP}/page.html?utm_campaign=spring`, { referer: 'https://news.example/article', timeout: 10_000 })
  await page.click('#signup')

  await waitFor(() => beacons.length === 2, 5000, 'the two beacons')
  for (const r of beacons) {
    expect(r.method()).toBe('POST')
    expect(r.headers()['content-type']).toBe('application/json')
  }
  expect(beacons.map((r) => new URL(r.url()).pathname)).toEqual(['/ingest', '/ingest/event'])
  const sent = await page.evaluate(
    'Promise.all(window.__beacons.map(async (b) => [b.type, JSON.parse(await b.text())]))',
  )
  expect((sent as [string, unknown][]).map(([type]) => type)).toEqual(['application/json', 'application/json'])
  expect((sent as [string, unknown][]).map(([, body]) => body)).toEqual([
    expect.objectContaining({
      path: '/page.html',
      referrer: 'https://news.example/article',
      u_cmp: 'spring',
      u_src: null,
      tsrc: 'hk.js',
    }),
    expect.objectContaining({ n: 'signup', p: { plan: 'pro', seats: 3 }, r: 'https://news.example/article' }),
  ])
  // The answers: 202, no drop, the page's Origin echoed (so the preflighted beacon was allowed).
  for (const r of beacons) {
    const answer = await r.response()
    expect(answer?.status()).toBe(202)
    expect(answer?.headers()['x-hitring-drop']).toBeUndefined()
    expect(answer?.headers()['access-control-allow-origin']).toBe(SHOP)
  }

  const [pv] = await waitStored(dataPath, (e) => e.kind === 0 && e.path === '/page.html', 1, 'the pageview')
  expect(pv).toMatchObject({
    query: 'utm_campaign=spring',
    utmCampaign: 'spring',
    referrerHost: 'news.example',
    screen: 'laptop',
  })
  const [ev] = await waitStored(dataPath, (e) => e.name === 'signup', 1, 'the event')
  expect(ev!.props).toEqual({ plan: 'pro', seats: 3 })
  expect(ev!.session).toBe(pv!.session)

  const cookie = await initialUser(server.url)
  const stats = (await call(server.url, 'GET', `/api/sites/${siteId}/stats`, { cookie })).json()
  expect(stats.kpis).toMatchObject({ visitors: 1, pageviews: 1 })
  expect(stats.top.pages).toEqual([expect.objectContaining({ name: '/page.html', value: 1 })])
  expect(stats.top.sources).toEqual([{ name: 'news.example', value: 1 }])
  expect(stats.top.utm_campaign).toEqual([{ name: 'spring', value: 1 }])
  expect(stats.events).toEqual([{ name: 'signup', total: 1, visitors: 1 }])
  const plans = (await call(server.url, 'GET', `/api/sites/${siteId}/events/signup/properties/plan`, { cookie })).json()
  expect(plans.map((v: { value: string; total: number }) => [v.value, v.total])).toEqual([['pro', 1]])
})

test('the same JSON sent as a text/plain string (no preflight) is read the same way', async () => {
  const context = await browser.newContext({ userAgent: DESKTOP_CHROME_UA })
  cleanups.push(() => context.close())
  const page = await context.newPage()
  const beacons: Request[] = []
  page.on('request', (r) => {
    if (r.url().includes('/ingest')) beacons.push(r)
  })
  await page.goto(`${SHOP}/plain.html`, { timeout: 10_000 })
  await page.click('#signup')
  await waitFor(() => beacons.length === 2, 5000, 'the two beacons')
  expect(beacons.map((r) => r.headers()['content-type'])).toEqual([
    'text/plain;charset=UTF-8',
    'text/plain;charset=UTF-8',
  ])
  const [pv] = await waitStored(dataPath, (e) => e.kind === 0 && e.path === '/plain.html', 1, 'the text/plain pageview')
  const [ev] = await waitStored(
    dataPath,
    (e) => e.name === 'signup' && e.session === pv!.session,
    1,
    'the text/plain event in its visit',
  )
  expect(ev!.props).toEqual({ plan: 'pro', seats: 3 })
})
