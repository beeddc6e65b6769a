/**
 * The "Today" chart draws each hour's count flat over that hour, in Debian's Chromium against the real,
 * built server: an hour without traffic is drawn at 0 from its start to its end, even next to a busy
 * hour — a line from point to point (smoothed, as it was) rose through the empty hour before each busy
 * one and showed traffic where there was none. The tooltip reads the hour under the cursor. Pageviews
 * are sent through the server API at chosen hours of the site's today (a fixed-offset zone chosen so
 * that it is afternoon there now); the canvas's pixels are read in the page.
 */
import { beforeAll, expect, test } from 'vitest'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { ROOT, waitFor, cleanupsAfterAll } from './helpers/server.js'
import { storedEventCount } from './helpers/store.js'
import { dashboardPage, signInThroughForm, startDashboard } from './helpers/dashboard.js'
import { call, createApiClient, createSite, initialUser, type ApiServer } from './helpers/api.js'

const ARTIFACTS = join(ROOT, 'test-artifacts')
const EMAIL = 'owner@chart.example'
const HOUR = 3_600_000

const cleanups = cleanupsAfterAll()

let api: ApiServer
let page: Page
let site: string
/** The chart's buckets as the API gives them: starts (ms) and where the last one ends. */
let times: number[]
let end: number
/** Pageviews (one visitor each) per local hour of today; every other hour has none. */
const TRAFFIC: Record<number, number> = { 3: 3, 4: 1, 9: 1, 13: 2 }

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true })
  let browser: Browser
  let BASE: string
  ;({ api, base: BASE, browser } = await startDashboard(cleanups))
  const cookie = await initialUser(api.url, EMAIL)
  // A fixed-offset zone where it is about 18:00 now (Etc/GMT-14 is UTC+14): hours 0–14 of today are past.
  const offset = Math.max(-12, Math.min(14, 18 - new Date().getUTCHours()))
  const zone = offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`
  site = (await createSite(api.url, cookie, 'chart.example', zone)).id
  const today = (
    await call(api.url, 'GET', `/api/sites/${site}/stats?interval=hour&from=${todayIn(offset)}&to=${todayIn(offset)}`, {
      cookie,
    })
  ).json()
  times = today.timeseries.map((p: { time: string }) => Date.parse(p.time))
  end = Date.parse(today.range.end)
  expect(times).toHaveLength(24)
  const { token } = await createApiClient(api.url, cookie, [{ site_id: site, role: 'owner' }])
  let ip = 0
  for (const [hour, count] of Object.entries(TRAFFIC)) {
    for (let i = 0; i < count; i++) {
      const body = {
        url: 'https://chart.example/',
        timestamp: new Date(times[+hour]! + (10 + 10 * i) * 60_000).toISOString(),
        visitor_ip: `198.51.100.${++ip}`,
        user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
      }
      const a = await call(api.url, 'POST', '/api/ingest/server/pageview', { token }, body)
      expect(a.status, a.text).toBe(202)
    }
  }
  await waitFor(() => storedEventCount(api.dataPath) === ip, 5000, 'the pageviews stored')

  ;({ page } = await dashboardPage(browser, cleanups, BASE, { deviceScaleFactor: 1 }))
  await signInThroughForm(page, BASE, EMAIL)
  await page.goto(`${BASE}/sites/${site}?range=today`)
  await page.locator('.card-chart .chart canvas').waitFor()
  await page.locator('.card-chart').screenshot({ path: join(ARTIFACTS, 'dashboard-chart-today.png') })
})

/** Today's date at UTC`offset` hours. */
function todayIn(offset: number): string {
  return new Date(Date.now() + offset * HOUR).toISOString().slice(0, 10)
}

/**
 * The plotting area in canvas pixels, and x for an instant (the x axis runs from the first bucket's start to the last
 * one's end).
 */
async function plotArea(): Promise<{ left: number; top: number; width: number; height: number }> {
  return page.locator('.card-chart .chart').evaluate((chart) => {
    const over = chart.querySelector('.u-over')!.getBoundingClientRect()
    const canvas = chart.querySelector('canvas')!.getBoundingClientRect()
    return { left: over.left - canvas.left, top: over.top - canvas.top, width: over.width, height: over.height }
  })
}

/** One column of canvas pixels from the top of the plot to 3 px above its bottom (the 0 line), as RGBA. */
function column(x: number, top: number, height: number): Promise<number[]> {
  return page
    .locator('.card-chart .chart canvas')
    .evaluate(
      (canvas: any, [x, top, height]) =>
        Array.from(
          canvas.getContext('2d').getImageData(Math.round(x), Math.round(top), 1, Math.round(height) - 3)
            .data as number[],
        ),
      [x, top, height] as const,
    )
}

test('an hour without traffic is drawn at 0 over its whole width, next to busy hours too', async () => {
  const area = await plotArea()
  const xAt = (t: number) => area.left + ((t - times[0]!) / (end - times[0]!)) * area.width
  // Nothing but the background (and the grid lines, the same in every column) above the 0 line.
  const empty = await column(xAt(times[0]! + 0.5 * HOUR), area.top, area.height)
  const quiet = Object.keys(TRAFFIC)
    .flatMap((h) => [+h - 1, +h + 1])
    .filter((h) => !TRAFFIC[h])
  expect(quiet).toEqual([2, 5, 8, 10, 12, 14])
  for (const hour of quiet) {
    for (const part of [0.15, 0.5, 0.85]) {
      expect(await column(xAt(times[hour]! + part * HOUR), area.top, area.height), `hour ${hour} at ${part}`).toEqual(
        empty,
      )
    }
  }
  // A busy hour is drawn at its count over its whole width: coloured pixels up to y(3) (the y axis runs 0–4).
  for (const part of [0.15, 0.5, 0.85]) {
    const col = await column(xAt(times[3]! + part * HOUR), area.top, area.height)
    const firstDiff = col.findIndex((v, i) => v !== empty[i])
    expect(firstDiff, `hour 3 at ${part}`).toBeGreaterThanOrEqual(0)
    expect(Math.abs(Math.floor(firstDiff / 4) - area.height / 4), `hour 3 at ${part}`).toBeLessThanOrEqual(3)
  }
})

test('the tooltip reads the hour under the cursor, not the nearest hour start', async () => {
  const area = await plotArea()
  const over = page.locator('.card-chart .u-over')
  const hover = async (t: number) => {
    await over.hover({ position: { x: ((t - times[0]!) / (end - times[0]!)) * area.width, y: area.height / 2 } })
    const tip = page.locator('.chart-tip')
    await waitFor(async () => !(await tip.evaluate((e: any) => e.hidden)), 3000, 'the tooltip shown')
    return tip.innerText()
  }
  // 08:50 is nearer to 09:00 (1 visitor) than to 08:00, yet it is in the empty 08:00 hour.
  const at0850 = await hover(times[8]! + (50 / 60) * HOUR)
  expect(at0850).toContain('08:00')
  expect(at0850).toMatch(/Visitors\s*0/)
  const at0350 = await hover(times[3]! + (50 / 60) * HOUR)
  expect(at0350).toContain('03:00')
  expect(at0350).toMatch(/Visitors\s*3/)
})
