/**
 * A link to a range of instants — "the last hour" from a script or an alert — opens in the dashboard, in
 * Debian's Chromium against the real, built server: the range text shows the instants asked, in the
 * site's zone, and beside them the whole quarter-hours the figures cover where they differ (what the API
 * answers: its `range.start`/`range.end`); the figures count the buckets covered (the pageview at 10:07
 * for 10:12); the comparison is the covered length just before. Dates, and instants already on
 * quarter-hours, show no such note. On the events page, properties (kept per day) say so instead of
 * failing the page. Pageviews and an event are sent through the server API at times of yesterday.
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
const EMAIL = 'owner@covered.example'
const cleanups = cleanupsAfterAll()

let api: ApiServer
let cookie: string
let page: Page
let BASE: string
let site: string
/** Yesterday (UTC), and how it reads in the dashboard (`Nov 30`). */
const DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
const SHORT = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
  Date.parse(DAY),
)
const t = (hms: string) => `${DAY}T${hms}`
const problems: string[] = []

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true })
  let browser: Browser
  ;({ api, base: BASE, browser } = await startDashboard(cleanups))
  cookie = await initialUser(api.url, EMAIL)
  // Europe/Berlin: yesterday 10:12Z reads 11:12 (winter) or 12:12 (summer) there.
  site = (await createSite(api.url, cookie, 'covered.example', 'Europe/Berlin')).id
  const { token } = await createApiClient(api.url, cookie, [{ site_id: site, role: 'owner' }])
  const ua = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0'
  const send = async (kind: string, at: string, ip: string, extra: object = {}) => {
    const a = await call(
      api.url,
      'POST',
      `/api/ingest/server/${kind}`,
      { token },
      { url: 'https://covered.example/', timestamp: at, visitor_ip: ip, user_agent: ua, ...extra },
    )
    expect(a.status, a.text).toBe(202)
  }
  await send('pageview', t('08:50:00Z'), '198.51.100.9') // the comparison period, 08:45–10:00
  await send('pageview', t('10:07:00Z'), '198.51.100.1')
  await send('event', t('10:20:00Z'), '198.51.100.2', { name: 'signup', props: { plan: 'pro' } })
  await send('pageview', t('11:13:00Z'), '198.51.100.3')
  await waitFor(() => storedEventCount(api.dataPath) === 4, 5000, 'four events stored')

  ;({ page } = await dashboardPage(browser, cleanups, BASE))
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  await signInThroughForm(page, BASE, EMAIL)
})

/** `11:12` for an instant, in Berlin. */
const berlin = (iso: string) =>
  new Intl.DateTimeFormat('en-US', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: 'Europe/Berlin',
  }).format(Date.parse(iso))
const link = (path: string, from: string, to: string) =>
  `${BASE}/sites/${site}${path}?range=custom&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`

test('10:12–11:12 from a link: the range asked, the quarter-hours covered, and their figures', async () => {
  await page.goto(link('', t('10:12:00Z'), t('11:12:00Z')))
  const covered = page.locator('.range-covered')
  await covered.waitFor()
  expect(await page.locator('.range-dates').innerText()).toBe(
    `${SHORT}, ${berlin(t('10:12:00Z'))} – ${berlin(t('11:12:00Z'))}`,
  )
  expect(await covered.innerText()).toBe(
    `figures cover ${SHORT}, ${berlin(t('10:00:00Z'))} – ${berlin(t('11:15:00Z'))}`,
  )
  // What the API says it covered.
  const api_ = (
    await call(api.url, 'GET', `/api/sites/${site}/stats?from=${t('10:12:00Z')}&to=${t('11:12:00Z')}`, { cookie })
  ).json()
  expect([await covered.getAttribute('data-start'), await covered.getAttribute('data-end')]).toEqual(
    [api_.range.start, api_.range.end].map((s: string) => new Date(s).toISOString()),
  )
  // The pageviews at 10:07 and 11:13 count: their quarter-hours are covered.
  expect(await page.locator('[data-kpi="pageviews"]').innerText()).toMatch(/^Pageviews\s*2\b/)
  // Compared with the 75 minutes before: 08:45–10:00.
  expect(await page.locator('.chart-foot').innerText()).toContain(
    `vs. ${SHORT}, ${berlin(t('08:45:00Z'))} – ${berlin(t('10:00:00Z'))}`,
  )
  await page.locator('.card-chart canvas').waitFor()
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-covered-range.png'), fullPage: true })
})

test("an offset's + left unencoded in the link reads as +", async () => {
  await page.goto(`${BASE}/sites/${site}?range=custom&from=${t('15:42:00+05:30')}&to=${t('16:42:00+05:30')}`)
  await page.locator('.range-covered').waitFor()
  expect(await page.locator('.range-covered').innerText()).toBe(
    `figures cover ${SHORT}, ${berlin(t('10:00:00Z'))} – ${berlin(t('11:15:00Z'))}`,
  )
})

test('dates, and instants on quarter-hours, are covered as asked: no note', async () => {
  await page.goto(link('', t('10:00:00Z'), t('11:15:00Z')))
  await page.locator('[data-kpi="pageviews"]').waitFor()
  expect(await page.locator('.range-dates').innerText()).toBe(
    `${SHORT}, ${berlin(t('10:00:00Z'))} – ${berlin(t('11:15:00Z'))}`,
  )
  expect(await page.locator('.range-covered').count()).toBe(0)
  await page.goto(`${BASE}/sites/${site}?range=custom&from=${DAY}&to=${DAY}`)
  await page.locator('[data-kpi="pageviews"]').waitFor()
  expect(await page.locator('.range-dates').innerText()).toContain(SHORT)
  expect(await page.locator('.range-covered').count()).toBe(0)
})

test('the events page: the event counted, and properties say why they are not broken down for a cut day', async () => {
  await page.goto(link('/events', t('10:12:00Z'), t('11:12:00Z')))
  await page.getByText('Properties are kept per day: choose whole days to break this event down.').waitFor()
  expect(await page.locator('.range-covered').count()).toBe(1)
  expect(await page.locator('[data-kpi="event-total"]').innerText()).toMatch(/^Total\s*1\b/)
  expect(problems).toEqual([])
})
