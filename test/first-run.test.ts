/**
 * The first hour of a newcomer, as the README tells it (issue 14): `npm start -- <flags>`, the set-up
 * link of the start-up log opened in Chromium at the address the server is bound to, the first account,
 * a site added in the dashboard, its snippet and event example pasted — as the dashboard shows them, the
 * webdriver attribute added as the README says for one's own end-to-end tests — into a page that a
 * headless Chromium loads, a goal made on the Goals page, and the pageview, the event and the goal's
 * conversion in the dashboard. The README's curls, run as pasted, are test/readme-examples.test.ts.
 *
 * `npm start` runs with npm's `ignore-scripts` set: its prestart is the build, which `npm test` has just
 * done, and rebuilding dist/ while other test files run from it would race with them.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { beforeAll, describe, expect, test } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ROOT, tempDataDir, waitFor, cleanupsAfterAll } from './helpers/server.js'
import { launchChromium, serveFixtures, type FixtureServer } from './helpers/browser.js'
import { call } from './helpers/api.js'

const EMAIL = 'me@shop.test'
const PASSWORD = 'a long password'

const cleanups = cleanupsAfterAll()

let npm: ChildProcess
let dataPath: string
let BASE: string
let setupLink: string
let browser: Browser
let context: BrowserContext
let page: Page
let fixtures: FixtureServer
let siteId: string
const vars: Record<string, string> = {}
const logs: string[] = []

/**
 * `npm start -- <flags>` in the checkout, as the README shows; resolves with the start-up log's address and set-up
 * link.
 */
async function npmStart(flags: string[]): Promise<{ port: number; link: string }> {
  npm = spawn('npm', ['start', '--', ...flags], {
    cwd: ROOT,
    env: { ...process.env, npm_config_ignore_scripts: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  npm.stderr!.on('data', (d) => logs.push(String(d)))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start did not print its set-up link in 20 s:\n${logs.join('\n')}`)),
      20_000,
    )
    let port = 0
    createInterface({ input: npm.stdout! }).on('line', (line) => {
      logs.push(line)
      let entry: { port?: number; url?: string }
      try {
        entry = JSON.parse(line)
      } catch {
        return // npm's own lines
      }
      if (typeof entry.port === 'number') port = entry.port
      if (port && entry.url?.includes('/setup?token=')) {
        clearTimeout(timer)
        resolve({ port, link: entry.url })
      }
    })
    npm.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`npm start exited with ${code}:\n${logs.join('\n')}`))
    })
  })
}

/** SIGTERM to the server npm started (its pid is in the data directory's lock file), then npm's own exit. */
async function stopServer(): Promise<number | null> {
  if (npm.exitCode !== null) return npm.exitCode
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)))
  process.kill(Number(readFileSync(join(dataPath, 'hitring.lock'), 'utf8').trim()), 'SIGTERM')
  return exited
}

beforeAll(async () => {
  const dir = tempDataDir()
  cleanups.push(() => dir.remove())
  dataPath = dir.path
  // A person clicks slower than this test: the API's per-IP limit is raised with a flag, as the README shows.
  const started = await npmStart([
    '-http-addr',
    '127.0.0.1:0',
    '-data-path',
    dataPath,
    '-api-rate',
    '200',
    '-api-burst',
    '400',
  ])
  cleanups.push(async () => {
    if (npm.exitCode === null) await stopServer()
  })
  setupLink = started.link
  BASE = `http://127.0.0.1:${started.port}`
  fixtures = await serveFixtures({ dir: join(ROOT, 'test/fixtures/first-run'), vars })
  cleanups.push(() => fixtures.close())
  browser = await launchChromium({ hosts: ['shop.test'] })
  cleanups.push(() => browser.close())
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  cleanups.push(() => context.close())
  context.setDefaultTimeout(8000)
  page = await context.newPage()
})

/** The signed-in browser's session cookie, for reading the API as it does. */
async function cookie(): Promise<string> {
  const c = (await context.cookies(BASE)).find((x) => x.name === 'hk_token')
  expect(c).toBeDefined()
  return c!.value
}

describe.sequential('clone to a counted conversion', () => {
  test('npm start -- <flags>: the log names the bound address and a set-up link making the 1st account', async () => {
    expect(setupLink.startsWith(`${BASE}/setup?token=`)).toBe(true)
    await page.goto(setupLink)
    await page.getByLabel('E-mail').fill(EMAIL)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL(`${BASE}/`)
    await page.getByRole('heading', { name: 'Add your first site' }).waitFor()
  })

  test('a site added in the dashboard shows the snippet to paste, and the event example with its stub', async () => {
    await page.getByLabel('Domain').fill('shop.test')
    await page.getByRole('button', { name: 'Add site' }).click()
    await page.getByText('shop.test is ready').waitFor()
    const snippet = (await page.getByLabel('Tracking snippet').first().textContent())!
    expect(snippet).toBe(`<script async src="${BASE}/hk.js"></script>`)
    const open = page.getByRole('link', { name: 'Open dashboard' })
    siteId = decodeURIComponent((await open.getAttribute('href'))!.split('/').pop()!)
    await open.click()
    await page.getByRole('heading', { name: 'No data yet: paste this snippet' }).waitFor()
    await page.getByText('Custom events and server-side events').click()
    const event = (await page.getByLabel('Custom event', { exact: true }).textContent())!
    expect(event).toContain("window.hk?.event?.('signup'")
    // The README: data-allow-webdriver="true" on the script tag, for one's own end-to-end tests.
    vars.SNIPPET = snippet.replace('<script async ', '<script async data-allow-webdriver="true" ')
    vars.EVENT = event
  })

  test('a goal made on the Goals page', async () => {
    await page.locator('[data-nav="goals"]').click()
    await page.getByRole('button', { name: 'New goal' }).click()
    const dialog = page.getByRole('dialog', { name: 'New goal' })
    await dialog.getByLabel('Event name').fill('signup')
    await dialog.getByLabel('Name', { exact: true }).fill('Pro Signup')
    await dialog.getByRole('button', { name: 'Create goal' }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.locator('tr[data-goal="Pro Signup"]').waitFor()
  })

  test('the pasted snippet, loaded by a headless browser, counts the pageview and the event', async () => {
    const visitor = await browser.newContext() // headless Chromium's own User-Agent and navigator.webdriver
    cleanups.push(() => visitor.close())
    const shop = await visitor.newPage()
    const lines: string[] = []
    shop.on('console', (m) => lines.push(m.text()))
    await shop.goto(`http://shop.test:${fixtures.port}/shop.html`)
    const auth = { cookie: await cookie() }
    await waitFor(
      async () => {
        const s = (await call(BASE, 'GET', `/api/sites/${siteId}/stats`, auth)).json()
        return s.kpis?.pageviews === 1 && s.events?.[0]?.name === 'signup'
      },
      10_000,
      `the pageview and the event in the stats (hk.js said: ${lines.join(' | ') || 'nothing'})`,
    )
    expect(lines.filter((l) => l.startsWith('hk.js: not counting'))).toEqual([])
  })

  test('the dashboard shows the pageview, the event and the goal’s conversion', async () => {
    await page.locator('[data-nav="overview"]').click()
    await page.waitForURL(`${BASE}/sites/${siteId}`)
    await page.reload()
    await expect.poll(() => page.locator('[data-kpi="pageviews"] .kpi-value').textContent()).toBe('1')
    expect(await page.locator('[data-kpi="visitors"] .kpi-value').textContent()).toBe('1')
    await page.locator('[data-nav="goals"]').click()
    await page.waitForURL(`${BASE}/sites/${siteId}/goals`)
    await expect.poll(() => page.locator('[data-kpi="conversions"] .kpi-value').textContent()).toBe('1')
    expect(await page.locator('[data-kpi="completions"] .kpi-value').textContent()).toBe('1')
    expect(await page.locator('tr[data-goal="Pro Signup"] [data-cell="conversions"]').textContent()).toBe('1')
    await page.locator('[data-nav="events"]').click()
    await page.getByText('signup', { exact: true }).first().waitFor()
  })

  test('SIGTERM to the server npm started: everything acknowledged is stored, exit 0', async () => {
    expect(await stopServer()).toBe(0)
    expect(logs.join('\n')).toMatch(/shutdown complete: everything acknowledged is stored/)
  })
})
