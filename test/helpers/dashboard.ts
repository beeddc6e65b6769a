/**
 * Helpers for the dashboard suites in Chromium: a page signed in with a session cookie made over the API
 * or through the login form, a watch on the page for errors and refusals, the goals data of the "first
 * hour" (two visitors converting, one on two goals), and a form field's error as assistive technology
 * reads it.
 */
import { expect } from 'vitest'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { DESKTOP_CHROME_UA, launchChromium } from './browser.js'
import { call, createGoal, PASSWORD, startApiServer, type ApiServer } from './api.js'
import { send } from './http.js'
import { waitFor } from './server.js'

/** What {@link startDashboard} set up. */
export interface DashboardStage {
  api: ApiServer
  /** The dashboard's address as Chromium reaches it: `http://localhost:<port>`. */
  base: string
  browser: Browser
}

/**
 * The dashboard suites' stage: the built server with a fresh data dir (./api.ts `startApiServer`, given
 * `args`) and Chromium resolving `localhost`, each cleanup registered in `cleanups` as it is made.
 */
export async function startDashboard(cleanups: (() => unknown)[], args?: string[]): Promise<DashboardStage> {
  const api = await startApiServer(args)
  cleanups.push(() => api.stop())
  const browser = await launchChromium({ hosts: ['localhost'] })
  cleanups.push(() => browser.close())
  return { api, base: `http://localhost:${api.server.port}`, browser }
}

/** A page of a new context (registered in `cleanups`), signed in with `cookie` on `base` when given. */
export async function dashboardPage(
  browser: Browser,
  cleanups: (() => unknown)[],
  base: string,
  opts: { cookie?: string; width?: number; deviceScaleFactor?: number } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: 800 },
    ...(opts.deviceScaleFactor === undefined ? {} : { deviceScaleFactor: opts.deviceScaleFactor }),
    userAgent: DESKTOP_CHROME_UA,
  })
  cleanups.push(() => context.close())
  context.setDefaultTimeout(8000)
  if (opts.cookie) await context.addCookies([{ name: 'hk_token', value: opts.cookie, url: base }])
  return { context, page: await context.newPage() }
}

/** Signs `email` in through the dashboard's login form on `base` (password {@link PASSWORD}), as a person does. */
export async function signInThroughForm(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/login`)
  await page.getByLabel('E-mail').fill(email)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${base}/`)
}

/**
 * Collects what must not happen on `page`: page errors and console errors in `problems`, every answer of
 * 400 or more in `refusals` (`METHOD /path status`). Chromium also logs each failed request as a console
 * error ("Failed to load resource"): those are left out, as `refusals` holds them, by route.
 */
export function watchPage(page: Page, problems: string[], refusals: string[]): void {
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`)
  })
  page.on('response', (r) => {
    if (r.status() >= 400) refusals.push(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`)
  })
}

/** The figures {@link seedGoals} makes, as the API must answer them for the range holding today. */
export const SEEDED = {
  visitors: 3,
  /** Visitors who completed any goal: A (both goals) and B (the purchase), each once. */
  convertedVisitors: 2,
  /** Signup by A, purchase by A, purchase by B. */
  completions: 3,
  rate: 66.67,
  goals: { Signup: { conversions: 1, completions: 1 }, 'Purchase completed': { conversions: 2, completions: 2 } },
}

/**
 * Three visitors view `/` of `domain` (told apart by their User-Agents); visitor A signs up and buys,
 * B buys, C only looks. Goals "Signup" (event `signup`) and "Purchase completed" (event `purchase`; a
 * name as long as a person would give, which a phone has to fit). Waits until
 * the stats answer holds all of it.
 */
export async function seedGoals(apiUrl: string, cookie: string, siteId: string, domain: string): Promise<void> {
  const ua = (n: number) => DESKTOP_CHROME_UA.replace('Chrome/140', `Chrome/14${n}`)
  const post = async (path: string, body: object, visitor: number) => {
    const a = await send(`${apiUrl}${path}`, {
      body: JSON.stringify({ site_id: siteId, url: `https://${domain}/`, referrer: '', ...body }),
      headers: { 'Content-Type': 'application/json', 'User-Agent': ua(visitor) },
    })
    expect(a.status).toBe(202)
  }
  for (const visitor of [1, 2, 3]) await post('/ingest', {}, visitor)
  await post('/ingest/event', { name: 'signup' }, 1)
  await post('/ingest/event', { name: 'purchase' }, 1)
  await post('/ingest/event', { name: 'purchase' }, 2)
  await createGoal(apiUrl, cookie, siteId, { name: 'Signup', type: 'event', value: 'signup' })
  await createGoal(apiUrl, cookie, siteId, { name: 'Purchase completed', type: 'event', value: 'purchase' })
  await waitFor(
    async () => {
      const s = (await call(apiUrl, 'GET', `/api/sites/${siteId}/stats`, { cookie })).json()
      const completions = (s.goals ?? []).reduce((n: number, g: { completions: number }) => n + g.completions, 0)
      return s.kpis.visitors === SEEDED.visitors && completions === SEEDED.completions
    },
    5000,
    'the seeded visitors and goals in the stats',
  )
}

/** The visible error of a form field: what its aria-describedby says, hints left out. */
export function fieldError(input: Locator): Promise<string> {
  return input.evaluate((el: any) =>
    String(el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => el.ownerDocument.getElementById(id))
      .filter((d) => d?.classList.contains('field-error') && !d.hidden)
      .map((d) => d.textContent)
      .join(' '),
  )
}
