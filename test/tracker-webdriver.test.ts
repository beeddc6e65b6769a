import { beforeAll, describe, expect, test } from 'vitest'
import type { Browser, ConsoleMessage, Request } from 'playwright-core'
import { type ServerProcess, setSiteFilters, waitFor, cleanupsAfterAll } from './helpers/server.js'
import { send } from './helpers/http.js'
import { call, initialUser } from './helpers/api.js'
import { storedEvents, waitStored } from './helpers/store.js'
import { startTrackedShop, type FixtureServer } from './helpers/browser.js'

const cleanups = cleanupsAfterAll()

let server: ServerProcess
let fixtures: FixtureServer
let browser: Browser
let dataPath: string
let siteId: string
let SHOP: string
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
    serverArgs: ['-respect-dnt', '-trusted-proxies', '127.0.0.1/32'],
    prepare: (path) => setSiteFilters(path, 'shop.test', ['--exclude-ips', '203.0.113.0/24']),
  }))
})

interface Visit {
  page: import('playwright-core').Page
  /** The `console.info` lines hk.js printed. */
  lines: string[]
  /** Requests to the ingest routes, as the network saw them. */
  requests: Request[]
}

/** A fresh context with the browser's own (headless) User-Agent unless `userAgent` is given. */
async function visit(url: string, o: { init?: string[]; userAgent?: string } = {}): Promise<Visit> {
  const context = await browser.newContext(o.userAgent ? { userAgent: o.userAgent } : {})
  cleanups.push(() => context.close())
  for (const script of o.init ?? []) await context.addInitScript(script)
  const page = await context.newPage()
  const lines: string[] = []
  const requests: Request[] = []
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'info' && m.text().startsWith('hk.js')) lines.push(m.text())
  })
  page.on('request', (r) => {
    if (r.url().includes('/ingest')) requests.push(r)
  })
  await page.goto(url, { timeout: 10_000 })
  await page.waitForFunction('window.hk && window.hk._loaded === 1', undefined, { timeout: 5000 })
  return { page, lines, requests }
}

async function metric(line: RegExp): Promise<number> {
  const text = (await send(`${server.url}/metrics`, { method: 'GET' })).text
  const m = text.split('\n').find((l) => line.test(l))
  return m ? Number(m.slice(m.lastIndexOf(' ') + 1)) : 0
}

describe('data-allow-webdriver="true" in a headless browser', () => {
  test('the pageview and an event are stored and counted; /metrics shows them as automated', async () => {
    const { page, lines } = await visit(`${SHOP}/automated.html`)
    expect(await page.evaluate('navigator.userAgent')).toMatch(/HeadlessChrome/)
    await page.click('#buy')
    const [pv] = await waitStored(
      dataPath,
      (e) => e.path === '/automated.html' && e.kind === 0,
      1,
      'the pageview of the automated browser',
    )
    const [ev] = await waitStored(dataPath, (e) => e.name === 'e2e_purchase', 1, 'the event of the automated browser')
    expect(ev!.props).toEqual({ plan: 'pro' })
    expect(ev!.session).toBe(pv!.session)
    expect(lines).toEqual([])

    const cookie = await initialUser(server.url)
    const stats = (await call(server.url, 'GET', `/api/sites/${siteId}/stats`, { cookie })).json()
    expect(stats.top.pages).toContainEqual(expect.objectContaining({ name: '/automated.html', value: 1 }))
    expect(stats.events).toContainEqual({ name: 'e2e_purchase', total: 1, visitors: 1 })
    expect(await metric(/^hitring_ingest_automated_total\{kind="pageview"\}/)).toBe(1)
    expect(await metric(/^hitring_ingest_automated_total\{kind="event"\}/)).toBe(1)
    expect(await metric(/^hitring_ingest_dropped_total\{reason="bot"\}/)).toBe(0)
  })

  test('a crawler that sets the flag is still a bot (only the headless rule is lifted)', async () => {
    const { page } = await visit(`${SHOP}/automated.html?crawler`, {
      userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    })
    await page.click('#buy')
    await waitFor(
      async () => (await metric(/^hitring_ingest_dropped_total\{reason="bot"\}/)) === 2,
      5000,
      'the crawler pageview and event dropped as bots',
    )
    expect(storedEvents(dataPath).filter((e) => e.query === 'crawler')).toEqual([])
  })
})

describe('webdriver: true lifts the headless rule alone (HTTP)', () => {
  const HEADLESS =
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36'
  const post = (body: object, headers: Record<string, string>) =>
    send(`${server.url}/ingest`, {
      body: JSON.stringify({ url: `${SHOP}/flagged`, webdriver: true, ...body }),
      headers: { 'Content-Type': 'text/plain', Origin: SHOP, 'User-Agent': HEADLESS, ...headers },
    })
  test.each([
    [
      'a crawler User-Agent',
      {},
      { 'User-Agent': 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)' },
      'bot',
    ],
    ['an HTTP library', {}, { 'User-Agent': 'python-requests/2.31.0' }, 'bot'],
    ['no User-Agent', {}, { 'User-Agent': '' }, 'bot'],
    ['a prefetch', {}, { 'Sec-Purpose': 'prefetch' }, 'prefetch'],
    ['Do-Not-Track (-respect-dnt)', {}, { DNT: '1' }, 'dnt'],
    ['an excluded IP', {}, { 'X-Forwarded-For': '203.0.113.9' }, 'excluded_ip'],
    ['a spam referrer', { referrer: 'https://semalt.com/' }, {}, 'spam_referrer'],
  ])('%s is still dropped', async (_what, body, headers, reason) => {
    const a = await post(body, headers)
    expect(a.status).toBe(202)
    expect(a.headers['x-hitring-drop']).toBe(reason)
  })

  test('HeadlessChrome, Electron and Cypress User-Agents are accepted with the flag, dropped without it', async () => {
    const cypress =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Cypress/13.6.0 ' +
      'Chrome/118.0.5993.159 Electron/27.1.3 Safari/537.36'
    for (const ua of [HEADLESS, cypress]) {
      const flagged = await post({}, { 'User-Agent': ua })
      expect(flagged.status, flagged.text).toBe(202)
      expect(flagged.headers['x-hitring-drop']).toBeUndefined()
      const plain = await post({ webdriver: false }, { 'User-Agent': ua })
      expect(plain.headers['x-hitring-drop']).toBe('bot')
    }
  })
})

describe('when hk.js does not count, one console line says why and how to allow it', () => {
  const cases: [what: string, url: () => string, init: string[], line: string][] = [
    [
      'an automated browser without data-allow-webdriver',
      () => `${SHOP}/webdriver.html`,
      [],
      'hk.js: not counting: navigator.webdriver (add data-allow-webdriver="true" to count)',
    ],
    [
      'data-allow-webdriver="TRUE" (a switch is on only when exactly "true")',
      () => `${SHOP}/webdriver-upper.html`,
      [],
      'hk.js: not counting: navigator.webdriver (add data-allow-webdriver="true" to count)',
    ],
    [
      'Do-Not-Track',
      () => `${SHOP}/blocked.html?dnt`,
      [`Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' })`],
      'hk.js: not counting: DNT/GPC (add data-collect-dnt="true" to count)',
    ],
    [
      'Global Privacy Control',
      () => `${SHOP}/blocked.html?gpc`,
      [`Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true })`],
      'hk.js: not counting: DNT/GPC (add data-collect-dnt="true" to count)',
    ],
    [
      'a local page',
      () => `http://127.0.0.1:${fixtures.port}/blocked.html?local`,
      [],
      'hk.js: not counting: local page (add data-allow-local="true" to count)',
    ],
    [
      'the hk_ignore opt-out',
      () => `${SHOP}/blocked.html?ignore`,
      [`localStorage.setItem('hk_ignore', 'true')`],
      'hk.js: not counting: localStorage.hk_ignore (remove it to count)',
    ],
  ]
  for (const [what, url, init, line] of cases) {
    test(what, async () => {
      const { page, lines, requests } = await visit(url(), { init })
      await waitFor(() => lines.length > 0, 5000, 'the console line')
      await page.evaluate("window.hk.event('signup', { plan: 'pro' })")
      await page.evaluate('history.pushState({}, "", "/blocked/next")')
      expect(lines).toEqual([line])
      expect(requests).toEqual([])
    })
  }

  test('a page that is counted prints nothing', async () => {
    const { lines } = await visit(`${SHOP}/automated.html?quiet`)
    await waitStored(dataPath, (e) => e.query === 'quiet', 1, 'the quiet pageview')
    expect(lines).toEqual([])
  })
})
