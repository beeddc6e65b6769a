/**
 * The README's tracking snippet and event example, pasted as shown, work: the test takes them from
 * README.md ("Tracking script (hk.js)": the first ```html block is the snippet, the second the events),
 * so it breaks if the README changes to something that loses the event. The inline call runs before the
 * async hk.js has loaded; the one-line stub keeps it and hk.js replays it after the pageview.
 */
import { beforeAll, expect, test } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { ROOT, type ServerProcess, cleanupsAfterAll } from './helpers/server.js'
import { storedEvents, waitStored } from './helpers/store.js'
import { DESKTOP_CHROME_UA, startTrackedShop } from './helpers/browser.js'

/** The README's `html` code blocks of the section "Tracking script (hk.js)", in order. */
function readmeBlocks(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const start = readme.indexOf('\n## Tracking script (hk.js)\n')
  expect(start, 'the README has its "Tracking script (hk.js)" section').toBeGreaterThan(0)
  const end = readme.indexOf('\n## ', start + 1)
  const section = readme.slice(start, end < 0 ? undefined : end)
  return [...section.matchAll(/^```html\n([\s\S]*?)^```$/gm)].map((m) => m[1]!.trim())
}

const README_HOST = 'https://your-hitring.example'
const cleanups = cleanupsAfterAll()

let server: ServerProcess
let browser: Browser
let dataPath: string
let SHOP: string
const vars: Record<string, string> = {}

beforeAll(async () => {
  ;({
    server,
    browser,
    dataPath,
    shop: SHOP,
  } = await startTrackedShop(cleanups, {
    dir: 'test/fixtures/readme',
    vars,
    routes: { '/pricing': 'page.html', '/no-stub': 'page.html', '/order': 'page.html' },
  }))
})

/** A visitor's browser (Playwright's is automated, and the README's snippet has no data-allow-webdriver). */
async function openAsVisitor(url: string) {
  const context = await browser.newContext({ userAgent: DESKTOP_CHROME_UA })
  cleanups.push(() => context.close())
  await context.addInitScript(`Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false })`)
  // The order in which the page hands events to the network.
  await context.addInitScript(`(() => {
    const sent = (window.__sent = [])
    const beacon = Navigator.prototype.sendBeacon
    Navigator.prototype.sendBeacon = function (url, data) {
      const body = JSON.parse(String(data))
      sent.push(body.name ?? 'pageview')
      return beacon.call(this, url, data)
    }
  })()`)
  const page = await context.newPage()
  await page.goto(url, { timeout: 10_000 })
  await page.waitForFunction('window.hk && window.hk._loaded === 1', undefined, { timeout: 5000 })
  return page
}

test('the README’s snippet and event example, pasted as shown: an event sent before hk.js loads is kept', async () => {
  const [snippet, events, ...more] = readmeBlocks()
  expect(more, 'two html blocks: the snippet, then the events').toEqual([])
  expect(snippet).toBe(`<script async src="${README_HOST}/hk.js"></script>`)
  vars.SNIPPET = snippet!.replace(README_HOST, `http://stats.test:${server.port}`)
  vars.EVENTS = events!

  const page = await openAsVisitor(`${SHOP}/pricing`)
  // The inline call ran first and was queued by the stub…
  expect(await page.evaluate('JSON.stringify((window.hk.q || []).map((args) => [...args]))')).toBe(
    JSON.stringify([['signup', { plan: 'pro' }]]),
  )
  await page.click('button')
  // …then replayed in order, after the pageview.
  expect(await page.evaluate('window.__sent')).toEqual(['pageview', 'signup', 'cta_clicked'])

  const [signup] = await waitStored(
    dataPath,
    (e) => e.name === 'signup' && e.path === '/pricing',
    1,
    'the README example event',
  )
  expect(signup!.props).toEqual({ plan: 'pro' })
  const [cta] = await waitStored(dataPath, (e) => e.name === 'cta_clicked', 1, "the README's button event")
  expect(cta!.props).toEqual({ location: 'hero' })
  await waitStored(dataPath, (e) => e.kind === 0 && e.path === '/pricing', 1, 'the pageview')
})

test('why the stub is there: without it, the same call is lost', async () => {
  const [snippet, events] = readmeBlocks()
  const stub = events!.split('\n').find((line) => line.includes('window.hk.q'))
  expect(stub, 'the README shows the stub line').toBeDefined()
  vars.SNIPPET = snippet!.replace(README_HOST, `http://stats.test:${server.port}`)
  vars.EVENTS = events!.replace(stub!, '')

  const page = await openAsVisitor(`${SHOP}/no-stub`)
  await page.click('button')
  // The click's event landed, so anything sent before it did too.
  await waitStored(
    dataPath,
    (e) => e.name === 'cta_clicked' && e.path === '/no-stub',
    1,
    'the button event without the stub',
  )
  expect(await page.evaluate('window.__sent')).toEqual(['pageview', 'cta_clicked'])
  expect(storedEvents(dataPath).filter((e) => e.path === '/no-stub' && e.name === 'signup')).toEqual([])
})

test("the README's stub replays several early calls in the order they were made", async () => {
  const [snippet, events] = readmeBlocks()
  const stub = events!.split('\n').find((line) => line.includes('window.hk.q'))!
  vars.SNIPPET = snippet!.replace(README_HOST, `http://stats.test:${server.port}`)
  vars.EVENTS = `${stub}\n<script>for (const n of [1, 2, 3, 4]) window.hk.event('step_' + n, { n })</script>`

  const page = await openAsVisitor(`${SHOP}/order`)
  expect(await page.evaluate('window.__sent')).toEqual(['pageview', 'step_1', 'step_2', 'step_3', 'step_4'])
  const steps = await waitStored(
    dataPath,
    (e) => e.path === '/order' && e.name.startsWith('step_'),
    4,
    'the four queued events',
  )
  expect(steps.map((e) => e.props?.n).sort()).toEqual([1, 2, 3, 4])
})
