/**
 * The overview's Languages tab, in Debian's Chromium against the real, built server: visits sent with a
 * `language` (as hk.js sends navigator.language) are listed by their primary subtag's English name, most
 * visits first, with the stored code in the tooltip; a visit without one is no row.
 */
import { beforeAll, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { DESKTOP_CHROME_UA } from './helpers/browser.js'
import { call, createSite, initialUser } from './helpers/api.js'
import { dashboardPage, startDashboard } from './helpers/dashboard.js'
import { send } from './helpers/http.js'
import { cleanupsAfterAll, waitFor } from './helpers/server.js'

const DOMAIN = 'lang.example'
const cleanups = cleanupsAfterAll()

let page: Page
const problems: string[] = []

beforeAll(async () => {
  const { api, base, browser } = await startDashboard(cleanups)
  const cookie = await initialUser(api.url)
  const siteId = (await createSite(api.url, cookie, DOMAIN)).id
  // One visitor each (their own User-Agent): German twice (two regions), Portuguese once, one without.
  const visits: Array<string | undefined> = ['de-DE', 'de-AT', 'pt-BR', undefined]
  for (const [i, language] of visits.entries()) {
    const a = await send(`${api.url}/ingest`, {
      body: JSON.stringify({ site_id: siteId, url: `https://${DOMAIN}/`, referrer: '', language }),
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': DESKTOP_CHROME_UA.replace('Chrome/140', `Chrome/13${i}`),
      },
    })
    expect(a.status, a.text).toBe(202)
  }
  await waitFor(
    async () => {
      const s = (await call(api.url, 'GET', `/api/sites/${siteId}/stats`, { cookie })).json()
      return s.kpis.visits === visits.length && s.top.languages.length === 2
    },
    5000,
    'the four visits and their two languages in the stats',
  )
  ;({ page } = await dashboardPage(browser, cleanups, base, { cookie }))
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)))
  await page.goto(`${base}/sites/${siteId}`)
})

test('the Technology card lists languages by name, most visits first, the code in the tooltip', async () => {
  await page.getByRole('tab', { name: 'Languages' }).click()
  const list = page.getByRole('list', { name: 'Language by visits' })
  await list.waitFor()
  const rows = list.locator('li')
  expect(await rows.locator('.row-label').allTextContents()).toEqual(['German', 'Portuguese'])
  expect(await rows.locator('.row-name').evaluateAll((els) => els.map((e) => e.getAttribute('title')))).toEqual([
    'de',
    'pt',
  ])
  const values = await rows.locator('.row-value').evaluateAll((els) => els.map((e) => e.firstChild?.textContent))
  expect(values).toEqual(['2', '1'])
  expect(problems).toEqual([])
})
