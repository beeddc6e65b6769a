/**
 * The dashboard end to end, in Debian's Chromium against the real, built server — the seed's user flow:
 * first-run set-up (from the link of the start-up log), sign out and in, add a site (its snippet), events
 * sent over HTTP with the seed's curl body, an event goal created on the Goals page and its conversions
 * in the KPI tiles, the goals list and the timeseries chart; the line under the tiles that counts dropped
 * events (bots, prefetches) by reason; the events page's property breakdown; the live figure; sign-out.
 *
 * The browser reaches the server at http://localhost:<port> (it listens on 127.0.0.1, without -public-url),
 * so the API's same-origin CSRF check passes as it would for a person: the origin is the address reached. Screenshots
 * of the overview and goals pages at desktop (1280×800) and phone (390×844) widths go to test-artifacts/ (gitignored).
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ROOT, setupToken, waitFor, type ServerProcess, cleanupsAfterAll } from './helpers/server.js'
import { DESKTOP_CHROME_UA } from './helpers/browser.js'
import { send } from './helpers/http.js'
import { GENEROUS, type ApiServer } from './helpers/api.js'
import { dashboardPage, fieldError, startDashboard, watchPage } from './helpers/dashboard.js'

const ARTIFACTS = join(ROOT, 'test-artifacts')
const EMAIL = 'owner@shop.example'
const PASSWORD = 'correct horse battery'
const DOMAIN = 'shop.example'

const cleanups = cleanupsAfterAll()

let server: ServerProcess
let browser: Browser
let context: BrowserContext
let page: Page
let BASE: string
let siteId = ''
/** Console errors and uncaught exceptions of the page (a CSP violation is one). */
const problems: string[] = []
/** Refusals the app received: only the ones this test provokes are expected. */
const refusals: string[] = []
const streamRequests: string[] = []

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true })
  // The test clicks far faster than a person: the API's per-IP limits (tested in api-rate-limit) stay out of its way.
  let api: ApiServer
  ;({ api, base: BASE, browser } = await startDashboard(cleanups, GENEROUS))
  server = api.server
  ;({ context, page } = await dashboardPage(browser, cleanups, BASE))
  watchPage(page, problems, refusals) // refusals are checked below, by route
  page.on('request', (r) => {
    if (r.url().endsWith('/stream')) streamRequests.push(r.url())
  })
})

/** GET an API route as the signed-in browser (its cookie), for the figures the UI must show. */
async function apiGet(path: string): Promise<any> {
  const r = await page.request.get(`${BASE}/api${path}`)
  expect(r.status(), await r.text()).toBe(200)
  return r.json()
}

/** Form controls without a label (a `<label for>`, a wrapping label, or aria-label): there must be none. */
const unlabelled = (p: Page) =>
  p
    .locator('input:not([type=hidden]), select, textarea')
    .evaluateAll((els) =>
      els
        .filter((e: any) => !(e.labels?.length || e.getAttribute('aria-label')))
        .map((e: any) => e.outerHTML.slice(0, 120)),
    )

async function screenshots(name: string, path: string, ready: (p: Page) => Promise<void>): Promise<void> {
  // Not over the figures: the confirmations of the steps before fade out within 3 s.
  await page.locator('.toast').last().waitFor({ state: 'detached', timeout: 4000 })
  await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}-desktop.png`), fullPage: true })
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    userAgent: DESKTOP_CHROME_UA,
    storageState: await context.storageState(),
  })
  try {
    const p = await phone.newPage()
    await p.goto(BASE + path)
    await ready(p)
    const overflow = await p.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')
    expect(overflow, 'nothing sticks out sideways at phone width').toBeLessThanOrEqual(0)
    await p.screenshot({ path: join(ARTIFACTS, `dashboard-${name}-phone.png`), fullPage: true })
  } finally {
    await phone.close()
  }
}

describe.sequential('the seed flow in the dashboard', () => {
  test('first run: the log’s set-up link opens the set-up page; it shows API errors, makes the 1st user', async () => {
    await page.goto(`${BASE}/setup?token=${await setupToken(server.url)}`)
    await page.getByLabel('E-mail').fill(EMAIL)
    await page.getByLabel('Password').fill('short')
    await page.getByRole('button', { name: 'Create account' }).click()
    // The API's own message, next to the field (dashboard-form-errors: once, not again above the form).
    await expect.poll(() => fieldError(page.getByLabel('Password'))).toBe('must be at least 8 characters')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL(`${BASE}/`)
    await page.getByRole('heading', { name: 'Add your first site' }).waitFor()
  })

  test('sign out, then sign in (a wrong password is refused with the API’s message)', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(`${BASE}/login`)
    await page.getByLabel('E-mail').fill(EMAIL)
    await page.getByLabel('Password').fill('not the password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Invalid email or password')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(`${BASE}/`)
  })

  test('add a site: the snippet to paste names this server’s hk.js', async () => {
    await page.getByLabel('Domain').fill(DOMAIN)
    await page.getByRole('button', { name: 'Add site' }).click()
    await page.getByText(`${DOMAIN} is ready`).waitFor()
    expect(await page.getByLabel('Tracking snippet').textContent()).toBe(`<script async src="${BASE}/hk.js"></script>`)
    await expect.poll(() => page.getByRole('button', { name: 'Copy' }).count()).toBe(1)
    const open = page.getByRole('link', { name: 'Open dashboard' })
    siteId = decodeURIComponent((await open.getAttribute('href'))!.split('/').pop()!)
    expect(siteId).toMatch(/^[0-9a-f-]{36}$/)
    await open.click()
    await page.waitForURL(`${BASE}/sites/${siteId}`)
    // Nothing received yet: the page says so, with the snippet.
    await page.getByRole('heading', { name: 'No data yet: paste this snippet' }).waitFor()
  })

  test('events sent over HTTP (the seed’s curl body) reach the overview, with the live figure', async () => {
    const post = (path: string, body: object, ua: string) =>
      send(`${server.url}${path}`, {
        body: JSON.stringify({ site_id: siteId, ...body }),
        headers: { 'Content-Type': 'application/json', 'User-Agent': ua },
      })
    const ua = (n: number) => DESKTOP_CHROME_UA.replace('Chrome/140', `Chrome/14${n}`)
    for (const [n, path] of [
      [1, '/'],
      [2, '/'],
      [3, '/pricing'],
      [1, '/pricing'],
    ] as const) {
      expect(
        (await post('/ingest', { url: `https://${DOMAIN}${path}`, referrer: 'https://www.google.com/' }, ua(n))).status,
      ).toBe(202)
    }
    // The seed, verbatim but for the site: curl's own User-Agent, no Origin.
    expect(
      (
        await post(
          '/ingest/event',
          {
            name: 'purchase',
            url: `https://${DOMAIN}/checkout/success`,
            referrer: '',
            props: { plan: 'pro', amount: '49' },
          },
          'curl/8.5.0',
        )
      ).status,
    ).toBe(202)
    expect(
      (
        await post(
          '/ingest/event',
          {
            name: 'purchase',
            url: `https://${DOMAIN}/checkout/success`,
            referrer: '',
            props: { plan: 'team', amount: '99' },
          },
          ua(1),
        )
      ).status,
    ).toBe(202)
    let stats: any
    await waitFor(
      async () =>
        ((stats = await apiGet(`/sites/${siteId}/stats`)).events?.[0]?.total ?? 0) === 2 && stats.kpis.pageviews === 4,
      5000,
      'the events in the stats',
    )

    await page.getByRole('button', { name: 'Refresh' }).click()
    const tile = (name: string) => page.locator(`[data-kpi="${name}"] .kpi-value`).textContent()
    await expect.poll(() => tile('pageviews')).toBe('4')
    expect(await tile('visitors')).toBe(String(stats.kpis.visitors))
    expect(await tile('visits')).toBe(String(stats.kpis.visits))
    expect(await page.getByRole('heading', { name: 'No data yet: paste this snippet' }).count()).toBe(0)
    // The chart, and its figures for assistive technology.
    await page.locator('.chart canvas').first().waitFor()
    // Visitors now: pushed by the site's event stream.
    await expect.poll(() => page.locator('[data-live="visitors-now"]').textContent()).toMatch(/^[1-9]\d*$/)
    expect(streamRequests.some((u) => u.endsWith(`/api/sites/${siteId}/stream`))).toBe(true)
  })

  test('events acked, not counted: a line under the tiles with the reasons, none if there are none', async () => {
    // The overview above is rendered (its tiles were checked): nothing was dropped, so no line.
    expect(await page.locator('[data-drops]').count()).toBe(0)
    const drop = (headers: Record<string, string>) =>
      send(`${server.url}/ingest`, {
        body: JSON.stringify({ site_id: siteId, url: `https://${DOMAIN}/`, referrer: '' }),
        headers: { 'Content-Type': 'application/json', ...headers },
      })
    const headless = DESKTOP_CHROME_UA.replace('Chrome/', 'HeadlessChrome/')
    const drops: Record<string, string>[] = [
      { 'User-Agent': headless },
      { 'User-Agent': headless },
      { 'User-Agent': DESKTOP_CHROME_UA, 'Sec-Purpose': 'prefetch' },
    ]
    for (const headers of drops) {
      expect((await drop(headers)).headers['x-hitring-drop']).toBeDefined()
    }
    await waitFor(async () => (await apiGet(`/sites/${siteId}/drops`)).total === 3, 5000, 'the drops in the rollup')
    await page.getByRole('button', { name: 'Refresh' }).click()
    const line = page.locator('[data-drops]')
    await expect.poll(() => line.textContent()).toBe('3 events not counted: 2 bots, 1 prefetch')
    expect(await line.getAttribute('title')).toBe('Acknowledged but not stored, by reason: bot: 2 · prefetch: 1')
    // Right under the tiles, before the chart.
    expect(await page.locator('.kpi-slot + [data-drops]').count()).toBe(1)
    // Drops are not pageviews.
    expect(await page.locator('[data-kpi="pageviews"] .kpi-value').textContent()).toBe('4')
  })

  test('create an event goal on the Goals page: its conversions in the tiles, the list and the chart', async () => {
    await page.locator('[data-nav="goals"]').click()
    await page.waitForURL(`${BASE}/sites/${siteId}/goals`)
    await page.getByText('No goals yet').waitFor()
    await page.getByRole('button', { name: 'New goal' }).click()
    const dialog = page.getByRole('dialog', { name: 'New goal' })
    expect(await dialog.getByRole('radio', { name: /^Event/ }).isChecked()).toBe(true)
    await dialog.getByLabel('Event name').fill('purchase')
    await dialog.getByLabel('Name', { exact: true }).fill('Purchase')
    await dialog.getByRole('button', { name: 'Create goal' }).click()
    await dialog.waitFor({ state: 'detached' })

    const expected = (await apiGet(`/sites/${siteId}/stats`)).goals[0]
    expect(expected).toMatchObject({ name: 'Purchase', conversions: 2, completions: 2 })
    const row = page.locator('tr[data-goal="Purchase"]')
    await expect.poll(() => row.locator('[data-cell="conversions"]').textContent()).toBe('2')
    expect(await row.locator('[data-cell="completions"]').textContent()).toBe('2')
    expect(await row.locator('[data-cell="rate"]').textContent()).toBe(`${expected.conversion_rate}%`)
    expect(await page.locator('[data-kpi="conversions"] .kpi-value').textContent()).toBe('2')
    expect(await page.locator('[data-kpi="completions"] .kpi-value').textContent()).toBe('2')
    // The timeseries chart: drawn, and today's bucket holds the 2 conversions.
    await page.locator('.chart canvas').first().waitFor()
    const cells = await page
      .locator('.card-chart table tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.querySelectorAll('td')[0]?.textContent))
    expect(cells).toContain('2')

    // One goal picked: its conversion rate.
    await page.getByLabel('Goal', { exact: true }).selectOption({ label: 'Purchase' })
    await expect
      .poll(() => page.locator('[data-kpi="conversion-rate"] .kpi-value').textContent())
      .toBe(`${expected.conversion_rate}%`)
    await page.getByLabel('Goal', { exact: true }).selectOption({ label: 'All goals' })
    await page.locator('tr[data-goal="Purchase"]').waitFor()
    await screenshots('goals', `/sites/${siteId}/goals`, (p) => p.locator('tr[data-goal="Purchase"]').waitFor())
  })

  test('the overview shows the goal’s conversions next to the KPIs', async () => {
    await page.locator('[data-nav="overview"]').click()
    await page.waitForURL(`${BASE}/sites/${siteId}`)
    const goal = page
      .locator('section', { has: page.getByRole('heading', { name: 'Goals', exact: true }) })
      .locator('.row', { hasText: 'Purchase' })
    await expect.poll(() => goal.locator('.row-value').textContent()).toMatch(/^2/)
    await page.locator('.chart canvas').first().waitFor()
    await screenshots('overview', `/sites/${siteId}`, (p) => p.locator('.chart canvas').first().waitFor())
    // And in the dark.
    const dark = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: 'dark',
      storageState: await context.storageState(),
    })
    try {
      const p = await dark.newPage()
      await p.goto(`${BASE}/sites/${siteId}`)
      await p.locator('.chart canvas').first().waitFor()
      await p.screenshot({ path: join(ARTIFACTS, 'dashboard-overview-desktop-dark.png'), fullPage: true })
    } finally {
      await dark.close()
    }
  })

  test('the range picker: a preset and a custom range, kept in the URL and across pages', async () => {
    await page.getByRole('button', { name: 'Today' }).click()
    await page.waitForURL(`${BASE}/sites/${siteId}?range=today`)
    await expect.poll(() => page.locator('[data-kpi="pageviews"] .kpi-value').textContent()).toBe('4')
    expect(await page.locator('[data-drops]').getAttribute('data-drops')).toBe('3')
    expect(await page.locator('[data-nav="goals"]').getAttribute('href')).toBe(`/sites/${siteId}/goals?range=today`)
    await page.getByRole('button', { name: 'Custom range' }).click()
    await page.getByLabel('From').fill('2020-01-01')
    await page.getByLabel('To (included)').fill('2020-01-31')
    await page.getByRole('button', { name: 'Apply' }).click()
    await page.waitForURL(`${BASE}/sites/${siteId}?range=custom&from=2020-01-01&to=2020-01-31`)
    await expect.poll(() => page.locator('[data-kpi="pageviews"] .kpi-value').textContent()).toBe('0')
    expect(await page.locator('[data-drops]').count(), 'no drops in January 2020: no line').toBe(0)
    await page.getByRole('button', { name: 'Last 30 days' }).click()
    await page.waitForURL(`${BASE}/sites/${siteId}`)
  })

  test('keyboard: the new-goal dialog opens from the keyboard, keeps focus, and Escape closes it', async () => {
    await page.locator('[data-nav="goals"]').click()
    await page.waitForURL(`${BASE}/sites/${siteId}/goals`)
    const button = page.getByRole('button', { name: 'New goal' })
    await button.focus()
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'New goal' })
    await dialog.waitFor()
    await page.keyboard.press('Tab')
    expect(await dialog.evaluate((d) => d.contains(d.ownerDocument.activeElement))).toBe(true)
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
  })

  test('a page-path goal (with a wildcard) counts pageviews; deleting it asks first, then it is gone', async () => {
    await page.getByRole('button', { name: 'New goal' }).click()
    const dialog = page.getByRole('dialog', { name: 'New goal' })
    expect(await unlabelled(page)).toEqual([])
    await dialog.getByText('Page path', { exact: true }).click()
    await dialog.getByLabel('Page path', { exact: true }).fill('pricing')
    await dialog.getByRole('button', { name: 'Create goal' }).click()
    // The API's refusal, next to the field.
    await expect
      .poll(() => fieldError(dialog.getByLabel('Page path', { exact: true })))
      .toContain('a path starts with /')
    await dialog.getByLabel('Page path', { exact: true }).fill('/pri*')
    await dialog.getByRole('button', { name: 'Create goal' }).click()
    await dialog.waitFor({ state: 'detached' })
    const row = page.locator('tr[data-goal="/pri*"]')
    await expect.poll(() => row.locator('[data-cell="conversions"]').textContent()).toBe('2')
    await page.getByRole('button', { name: 'Delete the goal /pri*' }).click()
    await page
      .getByRole('dialog', { name: 'Delete the goal “/pri*”?' })
      .getByRole('button', { name: 'Delete goal' })
      .click()
    await row.waitFor({ state: 'detached' })
    expect((await apiGet(`/sites/${siteId}/goals`)).map((g: { name: string }) => g.name)).toEqual(['Purchase'])
  })

  test('settings: exclusions (the API’s refusal shown), an API client whose token shows once and works', async () => {
    await page.locator('[data-nav="settings"]').click()
    await page.waitForURL(`${BASE}/sites/${siteId}/settings`)
    expect(await page.locator('pre[aria-label="Tracking snippet"]').textContent()).toBe(
      `<script async src="${BASE}/hk.js"></script>`,
    )
    const ip = page.getByLabel('IP address or network (CIDR)')
    await ip.fill('not-an-ip')
    await ip.press('Enter')
    await expect.poll(() => fieldError(ip)).toContain('not an IP address or CIDR')
    await ip.fill('203.0.113.0/24')
    await ip.press('Enter')
    await page.getByRole('button', { name: 'Remove 203.0.113.0/24' }).waitFor()
    expect((await apiGet(`/sites/${siteId}/exclusions`)).excluded_ips).toEqual(['203.0.113.0/24'])
    await page.getByRole('button', { name: 'Remove 203.0.113.0/24' }).click()
    await page.getByText('No address is excluded.').waitFor()

    await page.getByLabel('Name', { exact: true }).fill('Nightly export')
    await page.getByRole('button', { name: 'Create token' }).click()
    const token = (await page.locator('[data-token]').textContent())!
    const answer = await send(`${server.url}/api/sites/${siteId}/stats`, {
      method: 'GET',
      headers: { Authorization: `Bearer ${token}` },
    })
    expect(answer.status).toBe(200)
    await page.getByRole('button', { name: 'Delete the API client Nightly export' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Delete client' }).click()
    await page.getByText('No API client can read this site yet.').waitFor()
    expect(
      (
        await send(`${server.url}/api/sites/${siteId}/stats`, {
          method: 'GET',
          headers: { Authorization: `Bearer ${token}` },
        })
      ).status,
    ).toBe(401)
    expect(await unlabelled(page)).toEqual([])

    // The reporting time zone (the figures are rebuilt in it).
    await page.getByLabel('Reporting time zone').selectOption('Europe/Berlin')
    await page.getByRole('button', { name: 'Save time zone' }).click()
    await page.getByText('Now: Europe/Berlin').waitFor()
    expect((await apiGet(`/sites/${siteId}`)).timezone).toBe('Europe/Berlin')
    expect(await page.locator('.range-zone').count()).toBe(0) // (settings has no range)
  })

  test('visitors now falls back to polling /realtime when the event stream is refused', async () => {
    const p = await context.newPage()
    try {
      await p.route('**/stream', (r) =>
        r.fulfill({ status: 503, contentType: 'application/json', body: '{"code":"x","message":"no streams here"}' }),
      )
      const polled = p.waitForRequest((r) => r.url().endsWith(`/api/sites/${siteId}/realtime`))
      await p.goto(`${BASE}/sites/${siteId}`)
      await polled
      await expect.poll(() => p.locator('[data-live="visitors-now"]').textContent()).toMatch(/^\d+$/)
    } finally {
      await p.close()
    }
  })

  test('events: names with totals; a name’s property keys and the breakdown of a key', async () => {
    await page.locator('[data-nav="events"]').click()
    await page.waitForURL(`${BASE}/sites/${siteId}/events`)
    await page.locator('[data-kpi="event-total"] .kpi-value', { hasText: '2' }).waitFor()
    expect(
      await page.locator('[data-prop-key]').evaluateAll((els) => els.map((e) => e.getAttribute('data-prop-key'))),
    ).toEqual(['amount', 'plan'])
    await page.locator('[data-prop-key="plan"]').click()
    await page.waitForURL(/key=plan/)
    const values = page.locator('[data-breakdown="plan"] .row-name')
    await expect
      .poll(async () => (await values.allTextContents()).map((t) => t.replace(/\d+ visitors?$/, '').trim()).sort())
      .toEqual(['pro', 'team'])
  })

  test('sign out: the session ends, and a site page asks to sign in again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(`${BASE}/login`)
    expect((await page.request.get(`${BASE}/api/me`)).status()).toBe(401)
    await page.goto(`${BASE}/sites/${siteId}/goals`)
    await page.waitForURL(`${BASE}/login?next=${encodeURIComponent(`/sites/${siteId}/goals`)}`)
    expect(problems).toEqual([])
    // Only what this test provoked: the short password, the wrong password, a path without its leading
    // slash, and an IP address that is none (signed out, the app does not ask who is signed in).
    expect(new Set(refusals), refusals.join('\n')).toEqual(
      new Set([
        'POST /api/initial-user 400',
        'POST /api/login 401',
        `POST /api/sites/${siteId}/goals 400`,
        `POST /api/sites/${siteId}/exclusions 400`,
      ]),
    )
  })
})
