/**
 * At phone widths (320 and 375 px), in Debian's Chromium against the real, built server, the goal
 * figures and their labels fit: on the Goals page and on the overview's Goals card, no figure, label or
 * note ("2 completions") is cut by the box that holds it, and nothing sticks out sideways. Screenshots of
 * both pages at both widths go to test-artifacts/ (gitignored).
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { ROOT, cleanupsAfterAll } from './helpers/server.js'
import { createSite, initialUser, type ApiServer } from './helpers/api.js'
import { dashboardPage, seedGoals, startDashboard } from './helpers/dashboard.js'

const ARTIFACTS = join(ROOT, 'test-artifacts')
const DOMAIN = 'shop.example'

const cleanups = cleanupsAfterAll()

let api: ApiServer
let browser: Browser
let BASE: string
let cookie: string
let siteId: string

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true })
  ;({ api, base: BASE, browser } = await startDashboard(cleanups))
  cookie = await initialUser(api.url)
  siteId = (await createSite(api.url, cookie, DOMAIN)).id
  await seedGoals(api.url, cookie, siteId, DOMAIN)
})

/** Figures, labels and notes of goals, on both pages. */
const FIGURES = [
  '.kpi-label',
  '.kpi-value',
  '.kpi-change',
  '.legend li',
  '.row-note',
  '.row-value',
  '.toplist-head span',
  '.goals-table td',
  '.goals-table .goal-name',
]

/**
 * The elements of `selectors` that are cut: wider than themselves when they clip (an ellipsis), or
 * reaching out of an ancestor that clips them. Text is measured by its own box (a Range), so a label
 * cut inside a wide-enough box is caught too.
 */
function cutFigures(page: Page, selectors: string[]): Promise<string[]> {
  return page.evaluate((sel) => {
    const doc = (globalThis as any).document
    const view = globalThis as any
    const cut: string[] = []
    for (const el of doc.querySelectorAll(sel.join(','))) {
      if (el.getClientRects().length === 0) continue // not shown (display: none)
      const what = `${el.className || el.tagName} “${String(el.textContent).trim()}”`
      if (el.scrollWidth > el.clientWidth + 1 && view.getComputedStyle(el).overflowX !== 'visible')
        cut.push(`${what}: cut by itself`)
      const range = doc.createRange()
      range.selectNodeContents(el)
      const box = range.getBoundingClientRect()
      for (let a = el.parentElement; a && a !== doc.body; a = a.parentElement) {
        if (view.getComputedStyle(a).overflowX === 'visible') continue
        const outer = a.getBoundingClientRect()
        if (box.right > outer.right + 1 || box.left < outer.left - 1)
          cut.push(`${what}: cut by ${a.className || a.tagName}`)
        break
      }
    }
    return cut
  }, selectors)
}

describe.each([320, 375])('%i px wide', (width) => {
  let page: Page
  beforeAll(async () => {
    ;({ page } = await dashboardPage(browser, cleanups, BASE, { cookie, width }))
  })

  const check = async (name: string) => {
    expect(await cutFigures(page, FIGURES)).toEqual([])
    expect(
      await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'),
      'nothing sticks out sideways',
    ).toBeLessThanOrEqual(0)
    await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}-${width}.png`), fullPage: true })
  }

  test('the Goals page: tiles, chart legend and the table, whole', async () => {
    await page.goto(`${BASE}/sites/${siteId}/goals`)
    await page.locator('tr[data-goal="Purchase completed"]').waitFor()
    await page.locator('.chart canvas').first().waitFor()
    await check('goals')
    expect(await page.locator('[data-kpi="conversions"] .kpi-label').textContent()).toBe('Converted visitors')
  })

  test('the overview’s Goals card: each goal’s completions next to its name, whole', async () => {
    await page.goto(`${BASE}/sites/${siteId}`)
    const goals = page.locator('section', { has: page.getByRole('heading', { name: 'Goals', exact: true }) })
    await goals.locator('.row-note').first().waitFor()
    await page.locator('.chart canvas').first().waitFor()
    await check('overview')
    expect(await goals.locator('.row', { hasText: 'Purchase completed' }).locator('.row-note').textContent()).toBe(
      '2 completions',
    )
    expect(await goals.locator('.row', { hasText: 'Signup' }).locator('.row-note').textContent()).toBe('1 completion')
  })
})
