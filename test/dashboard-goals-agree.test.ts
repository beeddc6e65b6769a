/**
 * The Goals page agrees with itself, in Debian's Chromium against the real, built server: with two
 * goals where visitor A completes both and visitor B one (and C only looks), the tiles, the chart and the
 * table all say 2 converted visitors (unique visitors on ANY goal: A counts once, never a sum over the
 * goals, which would say 3) and 3 completions, and the rate 2 ÷ 3 visitors — the figures of the stats
 * answer's `any_goal`. Each goal's own figures are in its row, and in the tiles once it is picked.
 */
import { beforeAll, expect, test } from 'vitest'
import { cleanupsAfterAll } from './helpers/server.js'
import type { Browser, Page } from 'playwright-core'
import { call, createSite, initialUser, type ApiServer } from './helpers/api.js'
import { dashboardPage, SEEDED, seedGoals, startDashboard } from './helpers/dashboard.js'

const DOMAIN = 'shop.example'

const cleanups = cleanupsAfterAll()

let api: ApiServer
let browser: Browser
let page: Page
let siteId: string
let stats: any
const problems: string[] = []

beforeAll(async () => {
  let base: string
  ;({ api, base, browser } = await startDashboard(cleanups))
  const cookie = await initialUser(api.url)
  siteId = (await createSite(api.url, cookie, DOMAIN)).id
  await seedGoals(api.url, cookie, siteId, DOMAIN)
  stats = (await call(api.url, 'GET', `/api/sites/${siteId}/stats`, { cookie })).json()
  ;({ page } = await dashboardPage(browser, cleanups, base, { cookie }))
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)))
  await page.goto(`${base}/sites/${siteId}/goals`)
  await page.locator('tr[data-goal="Purchase completed"]').waitFor()
})

const tile = (id: string) => page.locator(`[data-kpi="${id}"] .kpi-value`).textContent()
const tileLabel = (id: string) => page.locator(`[data-kpi="${id}"] .kpi-label`).textContent()

/** The chart's figures (its table for assistive technology): column label → the sum over the periods. */
async function chartTotals(): Promise<Record<string, number>> {
  const table = page.locator('.card-chart table')
  await table.waitFor({ state: 'attached' })
  const heads = await table.locator('thead th').allTextContents()
  const rows = await table
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr: any) =>
        [...tr.querySelectorAll('td')].map((td: any) => Number(String(td.textContent).replace(/,/g, ''))),
      ),
    )
  return Object.fromEntries(heads.slice(1).map((label, i) => [label, rows.reduce((n, r) => n + (r[i] || 0), 0)]))
}

test('the API: any_goal counts visitor A once; the goals’ own conversions would sum to 3', () => {
  expect(stats.kpis.visitors).toBe(SEEDED.visitors)
  expect(stats.any_goal).toEqual({
    conversions: SEEDED.convertedVisitors,
    completions: SEEDED.completions,
    conversion_rate: SEEDED.rate,
  })
  expect(stats.goals.reduce((n: number, g: { conversions: number }) => n + g.conversions, 0)).toBe(3)
})

test('all goals: tiles, chart and table say 2 converted visitors and 3 completions, labelled as such', async () => {
  expect(await tileLabel('conversions')).toBe('Converted visitors')
  expect(await tile('conversions')).toBe('2')
  expect(await tileLabel('completions')).toBe('Completions')
  expect(await tile('completions')).toBe('3')
  expect(await tile('conversion-rate')).toBe('66.7%')
  expect(await tile('goal-visitors')).toBe('3')

  // All the events are today's: the chart's periods add up to the same figures.
  const chart = await chartTotals()
  expect(chart['Converted visitors']).toBe(SEEDED.convertedVisitors)
  expect(chart.Completions).toBe(SEEDED.completions)

  const any = page.locator('tr[data-goal-any]')
  expect(await any.locator('th').textContent()).toContain('Any goal')
  expect(await any.locator('[data-cell="conversions"]').textContent()).toBe('2')
  expect(await any.locator('[data-cell="completions"]').textContent()).toBe('3')
  expect(await any.locator('[data-cell="rate"]').textContent()).toBe('66.7%')
  expect(await page.locator('.goals-table thead th').allTextContents()).toEqual(
    expect.arrayContaining(['Converted visitors', 'Completions', 'Conversion rate']),
  )
  for (const [name, g] of Object.entries(SEEDED.goals)) {
    const row = page.locator(`tr[data-goal="${name}"]`)
    expect(await row.locator('[data-cell="conversions"]').textContent(), name).toBe(String(g.conversions))
    expect(await row.locator('[data-cell="completions"]').textContent(), name).toBe(String(g.completions))
  }
})

test('one goal picked: the tiles and the chart are that goal’s', async () => {
  await page.getByLabel('Goal', { exact: true }).selectOption({ label: 'Purchase completed' })
  await expect.poll(() => tile('completions')).toBe('2')
  expect(await tile('conversions')).toBe('2')
  expect(await tile('conversion-rate')).toBe('66.7%')
  await expect.poll(async () => (await chartTotals()).Completions).toBe(2)
  await page.getByLabel('Goal', { exact: true }).selectOption({ label: 'Signup' })
  await expect.poll(() => tile('completions')).toBe('1')
  expect(await tile('conversions')).toBe('1')
  expect(await tile('conversion-rate')).toBe('33.3%')
  expect(problems).toEqual([])
})
