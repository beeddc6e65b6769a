/**
 * Adding the first site leaves no stale empty state, in Debian's Chromium against the real, built
 * server: the sites page that said "Add your first site" becomes the list — the new site in it and in
 * the site switcher, "1 site on this server", an "Add site" button — with the snippet to paste on top;
 * nothing says "Add your first site" or "Nothing tracked yet" any more. A screenshot of that page goes
 * to test-artifacts/ (gitignored).
 */
import { beforeAll, expect, test } from 'vitest'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { ROOT, cleanupsAfterAll } from './helpers/server.js'
import { initialUser, type ApiServer } from './helpers/api.js'
import { dashboardPage, startDashboard } from './helpers/dashboard.js'

const DOMAIN = 'first.example'

const cleanups = cleanupsAfterAll()

let api: ApiServer
let page: Page
let BASE: string

beforeAll(async () => {
  let browser: Browser
  ;({ api, base: BASE, browser } = await startDashboard(cleanups))
  const cookie = await initialUser(api.url)
  ;({ page } = await dashboardPage(browser, cleanups, BASE, { cookie }))
})

test('the first site added on the empty sites page: the page becomes the list, the snippet on top', async () => {
  await page.goto(`${BASE}/`)
  await page.getByRole('heading', { name: 'Add your first site' }).waitFor()
  expect(await page.getByText('Nothing tracked yet').count()).toBe(1)
  expect(await page.locator('#site-select').isVisible()).toBe(false)

  await page.getByLabel('Domain').fill(DOMAIN)
  await page.getByRole('button', { name: 'Add site' }).click()
  const list = page.getByRole('list', { name: 'Your sites' })
  await list.waitFor()
  expect(await list.getByRole('link').allTextContents()).toEqual([expect.stringContaining(DOMAIN)])
  expect(await page.getByText('1 site on this server').count()).toBe(1)
  expect(await page.getByRole('button', { name: 'Add site' }).count()).toBe(1)
  // The snippet, and the way to the new site's dashboard.
  await page.getByText(`${DOMAIN} is ready`).waitFor()
  expect(await page.getByLabel('Tracking snippet').textContent()).toBe(`<script async src="${BASE}/hk.js"></script>`)
  expect(await page.getByRole('link', { name: 'Open dashboard' }).count()).toBe(1)
  // Nothing stale.
  expect(await page.getByRole('heading', { name: 'Add your first site' }).count()).toBe(0)
  expect(await page.getByText('Nothing tracked yet').count()).toBe(0)
  expect(await page.locator('#site-select').isVisible()).toBe(true)
  expect(await page.locator('#site-select option').allTextContents()).toContain(DOMAIN)
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true })
  await page.screenshot({ path: join(ROOT, 'test-artifacts', 'dashboard-first-site-added.png'), fullPage: true })

  // Once left, the page is the plain list.
  await page.reload()
  await list.waitFor()
  expect(await page.getByText(`${DOMAIN} is ready`).count()).toBe(0)
})
