/**
 * The dashboard's first run needs the set-up link, in Debian's Chromium against the real, built server:
 * opened without it (at / or /setup), the page says where the link is — the start-up log, or
 * `npx hitring setup-url` — and offers no form; a wrong token is refused with the same guidance and
 * creates nobody; the link printed in the start-up log (`dashboard: …/setup?token=…`) creates the first
 * account and lands signed in on the sites page.
 *
 * The server listens on 127.0.0.1 without -public-url, so its log prints http://127.0.0.1:<port>, and the
 * browser opens that: the link the log prints is the one opened.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  setupToken,
  startServer,
  tempDataDir,
  waitFor,
  type ServerProcess,
  cleanupsAfterAll,
} from './helpers/server.js'
import { DESKTOP_CHROME_UA, launchChromium } from './helpers/browser.js'
import { GENEROUS, PASSWORD } from './helpers/api.js'
import { withStore } from './helpers/store.js'
import { hasAnyUser } from '../src/accounts/users.js'
import { watchPage } from './helpers/dashboard.js'

const EMAIL = 'owner@setup.example'

const cleanups = cleanupsAfterAll()

let server: ServerProcess
let dataPath: string
let browser: Browser
let page: Page
let BASE: string
/** Console errors and uncaught exceptions of the page (a CSP violation is one). */
const problems: string[] = []
const refusals: string[] = []

beforeAll(async () => {
  const dir = tempDataDir()
  cleanups.push(() => dir.remove())
  dataPath = dir.path
  server = await startServer(dir.path, GENEROUS)
  cleanups.push(() => server.stop())
  BASE = `http://127.0.0.1:${server.port}`
  browser = await launchChromium({ hosts: ['localhost'] })
  cleanups.push(() => browser.close())
  const context = await browser.newContext({ userAgent: DESKTOP_CHROME_UA })
  cleanups.push(() => context.close())
  context.setDefaultTimeout(8000)
  page = await context.newPage()
  watchPage(page, problems, refusals)
})

/** The link of the start-up log's `dashboard:` line, as an operator would copy it. */
async function printedLink(): Promise<string> {
  await setupToken(server.url) // waits (bounded) for the line
  const entry = server.logs
    .map((l) => (l.startsWith('{') ? JSON.parse(l) : {}))
    .find((e) => typeof e.msg === 'string' && e.msg.startsWith('dashboard: '))
  return entry.url as string
}

const guidance = (p: Page) => p.getByText('Creating the first account needs the one-time set-up link.')

describe.sequential('first run in the dashboard', () => {
  test('without the link: / leads to /setup, which says where the link is and offers no form', async () => {
    await page.goto(`${BASE}/`)
    await page.waitForURL(`${BASE}/setup`)
    await guidance(page).waitFor()
    const text = await page.locator('main').textContent()
    expect(text).toContain('dashboard:')
    expect(text).toContain('npx hitring setup-url')
    expect(await page.getByRole('button', { name: 'Create account' }).count()).toBe(0)
    expect(await page.getByLabel('E-mail').count()).toBe(0)
  })

  test('a wrong token: refused with the same guidance, and nobody is created', async () => {
    await page.goto(`${BASE}/setup?token=hru_${'A'.repeat(43)}`)
    await page.getByLabel('E-mail').fill(EMAIL)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Create account' }).click()
    const alert = page.getByRole('alert').first()
    await expect.poll(() => alert.textContent()).toContain('This set-up link is wrong or no longer valid.')
    expect(await alert.textContent()).toContain('npx hitring setup-url')
    expect(refusals).toContain('POST /api/initial-user 403')
    expect(withStore(dataPath, hasAnyUser)).toBe(false)
  })

  test('the link of the start-up log creates the first account and lands signed in', async () => {
    const link = await printedLink()
    expect(link).toBe(`${BASE}/setup?token=${await setupToken(server.url)}`)
    await page.goto(link)
    await page.getByLabel('E-mail').fill(EMAIL)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL(`${BASE}/`)
    await page.getByRole('heading', { name: 'Add your first site' }).waitFor()
    const me = await page.request.get(`${BASE}/api/me`)
    expect(me.status()).toBe(200)
    expect(await me.json()).toMatchObject({ email: EMAIL, instance_owner: true })
    await waitFor(() => withStore(dataPath, hasAnyUser), 2000, 'the first user in LMDB')
    expect(problems).toEqual([])
  })
})
