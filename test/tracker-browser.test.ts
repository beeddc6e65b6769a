/**
 * hk.js in a real browser: Debian's Chromium (playwright-core) loads fixture pages from `shop.test` (a
 * registered site, mapped to 127.0.0.1) with `<script async src="http://stats.test:<port>/hk.js">` from
 * the real, built hitring server, and what the tracker sends is checked twice: as sent (a spy on
 * sendBeacon/fetch installed before any page script) and as landed (the raw events in LMDB).
 */
import { beforeAll, describe, expect, test } from 'vitest'
import type { Browser, BrowserContext, Page, Request } from 'playwright-core'
import { waitFor, type ServerProcess, cleanupsAfterAll } from './helpers/server.js'
import { call, initialUser } from './helpers/api.js'
import { storedEvents, waitStored } from './helpers/store.js'
import { DESKTOP_CHROME_UA, startTrackedShop, type FixtureServer } from './helpers/browser.js'
import type { Props } from '../src/store/events.js'

const cleanups = cleanupsAfterAll()

let server: ServerProcess
let fixtures: FixtureServer
let browser: Browser
let dataPath: string
/** `http://shop.test:<fixture port>` — the tracked site. */
let SHOP: string
let OTHER: string
let siteId: string
const vars: Record<string, string> = {}

beforeAll(async () => {
  ;({
    server,
    fixtures,
    browser,
    dataPath,
    siteId,
    shop: SHOP,
  } = await startTrackedShop(cleanups, {
    dir: 'test/fixtures/tracker',
    vars,
    routes: { '/app/': 'app.html' },
    proxyStats: true,
    hosts: ['other.test'],
  }))
  OTHER = `http://other.test:${fixtures.port}`
  vars.OTHER = OTHER
})

interface Sent {
  via: 'beacon' | 'fetch'
  url: string
  body: {
    url: string
    referrer: string
    name?: string
    props?: Props
    screen_width?: number
    session_id?: string
    webdriver?: boolean
    language?: string
  }
}

/** Records every beacon and keepalive fetch, synchronously, before it leaves the page. */
const SPY = `(() => {
  const sent = (window.__hkSent = [])
  const beacon = Navigator.prototype.sendBeacon
  Navigator.prototype.sendBeacon = function (url, data) {
    sent.push({ via: 'beacon', url: String(url), body: JSON.parse(String(data)) })
    return beacon.call(this, url, data)
  }
  const f = window.fetch
  window.fetch = function (url, init) {
    if (init && init.keepalive) sent.push({ via: 'fetch', url: String(url), body: JSON.parse(String(init.body)) })
    return f.apply(this, arguments)
  }
})()`

interface Opened {
  page: Page
  context: BrowserContext
  /** Requests to the stats host, as the network saw them. */
  requests: Request[]
  sent(): Promise<Sent[]>
}

/** A fresh context (its own sessionStorage and localStorage) with the spy, on `url`, hk.js loaded. */
async function open(url: string, init: string[] = [], referer?: string): Promise<Opened> {
  const context = await browser.newContext({ userAgent: DESKTOP_CHROME_UA })
  cleanups.push(() => context.close())
  for (const script of [SPY, ...init]) await context.addInitScript(script)
  const page = await context.newPage()
  const requests: Request[] = []
  page.on('request', (r) => {
    if (r.url().includes('/ingest')) requests.push(r)
  })
  await page.goto(url, { referer, timeout: 10_000 })
  await page.waitForFunction('window.hk && window.hk._loaded === 1', undefined, { timeout: 5000 })
  return { page, context, requests, sent: () => page.evaluate('window.__hkSent') as Promise<Sent[]> }
}

const names = (sent: Sent[]) => sent.map((s) => s.body.name ?? `pageview ${new URL(s.body.url).pathname}`)

describe('pageviews', () => {
  test('the landing pageview lands with its path, UTM tags and referrer, sent as a text/plain beacon', async () => {
    const { sent, requests } = await open(
      `${SHOP}/landing.html?utm_source=news&utm_medium=email&utm_campaign=launch#pricing`,
      [],
      'https://news.example/article',
    )
    const [beacon, ...more] = await sent()
    expect(more).toEqual([])
    expect(beacon!.via).toBe('beacon')
    expect(beacon!.url).toBe(`http://stats.test:${server.port}/ingest`)
    // No fragment, ever; the query (UTM) is kept.
    expect(beacon!.body.url).toBe(`${SHOP}/landing.html?utm_source=news&utm_medium=email&utm_campaign=launch`)
    expect(beacon!.body.referrer).toMatch(/^https:\/\/news\.example\//)
    expect(beacon!.body.screen_width).toBe(1280)
    expect(beacon!.body.session_id).toMatch(/^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/)
    // Playwright's browser is automated, counted here by data-allow-webdriver: hk.js says so.
    expect(beacon!.body.webdriver).toBe(true)
    // navigator.language: the browser's UI language tag (the engine stores its primary subtag).
    expect(beacon!.body.language).toMatch(/^[A-Za-z]{2,3}(-[A-Za-z0-9]+)*$/)
    expect(Object.keys(beacon!.body).sort()).toEqual([
      'language',
      'referrer',
      'screen_width',
      'session_id',
      'url',
      'webdriver',
    ])

    const [pv] = await waitStored(dataPath, (e) => e.path === '/landing.html', 1, 'the landing pageview in LMDB')
    expect(pv).toMatchObject({
      kind: 0,
      query: 'utm_source=news&utm_medium=email&utm_campaign=launch',
      utmSource: 'news',
      utmCampaign: 'launch',
      screen: 'laptop',
    })
    expect(pv!.referrer).toMatch(/^https:\/\/news\.example\//)
    await waitFor(() => requests.length === 1, 2000, 'the request seen by the network')
    expect(requests[0]!.method()).toBe('POST')
    expect(requests[0]!.headers()['content-type']).toMatch(/^text\/plain/)
  })

  test('SPA: pushState to 2 new paths, a repeat, a same-path replaceState, popstate: a view per change', async () => {
    const { page, sent } = await open(`${SHOP}/spa.html`)
    await page.evaluate(`(() => {
      history.pushState({}, '', '/spa/products')
      history.pushState({}, '', '/spa/products/42')
      history.pushState({}, '', '/spa/products/42')
      history.replaceState({}, '', '/spa/products/42?sort=price')
    })()`)
    // Back over the repeated entry (same path: nothing) to /spa/products (a change: a pageview).
    await page.evaluate(
      'new Promise((r) => { addEventListener("popstate", () => setTimeout(r), { once: true }); history.go(-2) })',
    )
    const all = await sent()
    expect(names(all)).toEqual([
      'pageview /spa.html',
      'pageview /spa/products',
      'pageview /spa/products/42',
      'pageview /spa/products',
    ])
    // One tab, one session id; the referrer only on the landing pageview (no self-referrals).
    expect(new Set(all.map((s) => s.body.session_id)).size).toBe(1)
    expect(all.slice(1).map((s) => s.body.referrer)).toEqual(['', '', ''])

    const stored = await waitStored(dataPath, (e) => e.path.startsWith('/spa'), 4, 'four SPA pageviews')
    expect(stored.map((e) => e.path).sort()).toEqual([
      '/spa.html',
      '/spa/products',
      '/spa/products',
      '/spa/products/42',
    ])
    // The tracker's session id groups them into one session on the server.
    expect(new Set(stored.map((e) => e.session)).size).toBe(1)
  })

  test('hash routing (data-hash="true"): each route is a path, a repeat is not counted', async () => {
    const { page, sent } = await open(`${SHOP}/app/`)
    await page.click('#to-settings')
    await page.waitForFunction('location.hash === "#/settings"')
    await page.click('#to-user')
    await page.evaluate('location.hash = "#/users/5"') // the same route without its query
    await page.evaluate('history.pushState({}, "", "#/settings")')
    const all = await sent()
    expect(all.map((s) => s.body.url)).toEqual([
      `${SHOP}/app/`,
      `${SHOP}/app/settings`,
      `${SHOP}/app/users/5`,
      `${SHOP}/app/settings`,
    ])
    const stored = await waitStored(dataPath, (e) => e.path.startsWith('/app/'), 4, 'four hash-routed pageviews')
    expect(stored.map((e) => e.path).sort()).toEqual(['/app/', '/app/settings', '/app/settings', '/app/users/5'])
  })

  test('loading hk.js twice: one pageview and one set of listeners', async () => {
    const { page, sent } = await open(`${SHOP}/twice.html`)
    await page.click('#tagged')
    await page.click('#out')
    await page.evaluate('history.pushState({}, "", "/twice/next")')
    expect(names(await sent())).toEqual([
      'pageview /twice.html',
      'twice_clicked',
      'outbound_click',
      'pageview /twice/next',
    ])
  })

  test('served under a path prefix (reverse proxy at /stats/), the tracker sends to <prefix>/ingest', async () => {
    const { sent } = await open(`${SHOP}/prefix.html`)
    const [beacon] = await sent()
    expect(beacon!.url).toBe(`${SHOP}/stats/ingest`)
    await waitStored(dataPath, (e) => e.path === '/prefix.html', 1, 'the pageview through the proxy')
  })
})

describe('custom events', () => {
  test("the seed's calls work as written: window.hk?.event?.('signup', { plan: 'pro' }), onclick button", async () => {
    const { page, sent } = await open(`${SHOP}/event.html`)
    await page.evaluate("window.hk?.event?.('signup', { plan: 'pro' })")
    await page.click('#cta')
    const all = await sent()
    expect(names(all)).toEqual(['pageview /event.html', 'signup', 'cta_clicked'])
    expect(all[1]!.url).toBe(`http://stats.test:${server.port}/ingest/event`)
    expect(all[1]!.body).toMatchObject({ name: 'signup', props: { plan: 'pro' }, url: `${SHOP}/event.html` })

    const events = await waitStored(dataPath, (e) => e.kind === 1 && e.path === '/event.html', 2, 'two events')
    expect(events.find((e) => e.name === 'signup')!.props).toEqual({ plan: 'pro' })
    expect(events.find((e) => e.name === 'cta_clicked')!.props).toEqual({ location: 'hero' })

    // …and it converts an event goal (created afterwards, as the seed's steps do).
    const cookie = await initialUser(server.url)
    const goal = await call(
      server.url,
      'POST',
      `/api/sites/${siteId}/goals`,
      { cookie },
      { name: 'Pro Signup', type: 'event', value: 'signup' },
    )
    expect(goal.status, goal.text).toBe(201)
    const stats = await call(server.url, 'GET', `/api/sites/${siteId}/stats`, { cookie })
    expect(stats.status, stats.text).toBe(200)
    expect(stats.json().goals).toEqual([
      expect.objectContaining({ name: 'Pro Signup', conversions: 1, completions: 1 }),
    ])
  })

  test('calls queued by the one-line stub before hk.js loads are replayed in order, after the pageview', async () => {
    const { sent } = await open(`${SHOP}/queue.html`)
    const all = await sent()
    expect(names(all)).toEqual(['pageview /queue.html', 'queued_first', 'queued_second'])
    expect(all[2]!.body.props).toEqual({ n: 2, ok: true })
    const events = await waitStored(dataPath, (e) => e.kind === 1 && e.path === '/queue.html', 2, 'the queued events')
    expect(events.map((e) => [e.name, e.props]).sort()).toEqual([
      ['queued_first', { n: 1 }],
      ['queued_second', { n: 2, ok: true }],
    ])
  })
})

describe('automatic events (data-track="outbound,downloads,forms") and data-hk-event', () => {
  test('downloads, declarative events, forms; internal and mailto: links send nothing', async () => {
    const { page, sent } = await open(`${SHOP}/links.html`)
    for (const id of ['internal', 'mail', 'pdf', 'attr', 'tagged-inner', 'outbound-stay', 'contact-go'])
      await page.click(`#${id}`)
    await page.click('#outbound-stay', { button: 'middle' })
    await page.click('#outbound-stay', { button: 'right' })
    const all = await sent()
    expect(all.slice(1).map((s) => [s.body.name, s.body.props])).toEqual([
      ['file_download', { url: `${SHOP}/files/Report.PDF` }],
      ['file_download', { url: `${SHOP}/export/data` }],
      ['cta_clicked', { location: 'footer', variant: 'b' }],
      ['outbound_click', { url: `${OTHER}/blog` }],
      // An input named "id" does not fool it: the form has no id, so its action path is used.
      ['form_submit', { form: '/contact/send' }],
      // The middle button (opens a new tab) counts; the right button does not.
      ['outbound_click', { url: `${OTHER}/blog` }],
    ])
    await waitStored(dataPath, (e) => e.kind === 1 && e.path === '/links.html', 6, 'the six events')
  })

  test('an outbound click that navigates away and a real form submit still land; navigation is not held', async () => {
    const { page } = await open(`${SHOP}/links.html`)
    await Promise.all([page.waitForURL(`${OTHER}/pricing?ref=shop#plans`, { timeout: 5000 }), page.click('#outbound')])
    await page.goto(`${SHOP}/links.html`)
    await Promise.all([page.waitForURL(`${SHOP}/subscribe`, { timeout: 5000 }), page.click('#signup-go')])
    const events = await waitStored(
      dataPath,
      (e) => e.path === '/links.html' && (e.props?.url === `${OTHER}/pricing` || e.props?.form === 'signup'),
      2,
      'the outbound click and the form submission',
    )
    expect(events.map((e) => [e.name, e.props]).sort()).toEqual([
      ['form_submit', { form: 'signup' }],
      ['outbound_click', { url: `${OTHER}/pricing` }],
    ])
  })
})

describe('privacy: nothing is sent', () => {
  const cases: [what: string, url: () => string, init: string[]][] = [
    [
      'Do-Not-Track',
      () => `${SHOP}/blocked.html?dnt`,
      [`Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' })`],
    ],
    [
      'Global Privacy Control',
      () => `${SHOP}/blocked.html?gpc`,
      [`Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true })`],
    ],
    ['the hk_ignore opt-out', () => `${SHOP}/blocked.html?ignore`, [`localStorage.setItem('hk_ignore', 'true')`]],
    ['an automated browser without data-allow-webdriver', () => `${SHOP}/webdriver.html`, []],
    [
      'a local page (127.0.0.1) without data-allow-local',
      () => `http://127.0.0.1:${fixtures.port}/blocked.html?local`,
      [],
    ],
  ]
  for (const [what, url, init] of cases) {
    test(what, async () => {
      const { page, sent, requests } = await open(url(), init)
      // Calls still work (as no-ops) and never throw.
      await page.evaluate("window.hk.event('signup', { plan: 'pro' })")
      await page.evaluate(`document.getElementById('cta')?.click()`)
      await page.evaluate('history.pushState({}, "", "/blocked/next")')
      expect(await sent()).toEqual([])
      expect(requests).toEqual([])
    })
  }

  test('with data-collect-dnt="true" a Do-Not-Track visitor is counted (the site chose to)', async () => {
    const { sent } = await open(`${SHOP}/collect-dnt.html`, [
      `Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' })`,
    ])
    expect(names(await sent())).toEqual(['pageview /collect-dnt.html'])
  })

  test('no cookie and no localStorage entry; only the session id in sessionStorage', async () => {
    const { page, context } = await open(`${SHOP}/landing.html?storage`)
    expect(await context.cookies()).toEqual([])
    expect(await page.evaluate('Object.keys(localStorage)')).toEqual([])
    expect(await page.evaluate('Object.keys(sessionStorage)')).toEqual(['hk_sid'])
  })

  test('after all the cases above, no event from a blocked page is stored', async () => {
    // A last pageview, sent after every blocked page was opened, has landed: anything sent before it would have too.
    await open(`${SHOP}/landing.html?sentinel`)
    await waitStored(dataPath, (e) => e.path === '/landing.html' && e.query === 'sentinel', 1, 'the sentinel pageview')
    expect(storedEvents(dataPath).filter((e) => e.path.startsWith('/blocked') || e.path === '/webdriver.html')).toEqual(
      [],
    )
  })
})
