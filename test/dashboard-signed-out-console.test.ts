/**
 * A signed-out page load logs nothing at level error in the browser console, in Debian's Chromium
 * against the real, built server — not even the "Failed to load resource: 401" Chromium logs for a
 * refused request, which `GET /api/me` (401 when signed out: HitKeep's contract, kept) used to cause on
 * every load. The HTML shell says whether the request carried a live session (the cookie is HttpOnly);
 * without one the app does not ask. Checked before the first account exists (/ → /setup), then at /,
 * /login and a deep link, with no cookie and with a stale one (signed out elsewhere); a live session
 * still asks, and lands signed in.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { cleanupsAfterAll } from './helpers/server.js'
import type { Browser, Page } from 'playwright-core'
import { call, initialUser, login, type ApiServer } from './helpers/api.js'
import { dashboardPage, startDashboard } from './helpers/dashboard.js'

const cleanups = cleanupsAfterAll()

let api: ApiServer
let browser: Browser
let BASE: string

beforeAll(async () => {
  ;({ api, base: BASE, browser } = await startDashboard(cleanups))
})

/** A page whose console errors (every one: failed requests too), uncaught exceptions and API calls are kept. */
async function watchedPage(cookie?: string): Promise<{ page: Page; errors: string[]; apiCalls: string[] }> {
  const { page } = await dashboardPage(browser, cleanups, BASE, { cookie })
  const errors: string[] = []
  const apiCalls: string[] = []
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())))
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname
    if (path.startsWith('/api/')) apiCalls.push(`${r.request().method()} ${path} ${r.status()}`)
  })
  return { page, errors, apiCalls }
}

/** Loads `path`, waits for the page it lands on, and returns what the console said meanwhile. */
async function load(
  path: string,
  landing: string,
  heading: string,
  cookie?: string,
): Promise<{ errors: string[]; apiCalls: string[] }> {
  const { page, errors, apiCalls } = await watchedPage(cookie)
  await page.goto(BASE + path)
  await page.waitForURL(BASE + landing)
  await page.getByRole('heading', { name: heading }).waitFor()
  return { errors, apiCalls }
}

const LOADS = [
  ['/', '/login', 'Sign in'],
  ['/login', '/login', 'Sign in'],
  [
    '/sites/0b6c1e9e-0000-4000-8000-000000000000/goals?range=7d',
    `/login?next=${encodeURIComponent('/sites/0b6c1e9e-0000-4000-8000-000000000000/goals?range=7d')}`,
    'Sign in',
  ],
] as const

describe.sequential('signed-out loads', () => {
  test('before the first account: / leads to /setup without a console error', async () => {
    expect(await load('/', '/setup', 'Welcome to hitring')).toEqual({ errors: [], apiCalls: [] })
  })

  test('the first account is made', async () => {
    await initialUser(api.url)
  })

  test.each(LOADS)('no cookie: %s → %s without a console error', async (path, landing, heading) => {
    expect(await load(path, landing, heading)).toEqual({ errors: [], apiCalls: [] })
  })

  test.each(LOADS)(
    'a stale cookie (signed out elsewhere): %s → %s without a console error',
    async (path, landing, heading) => {
      const stale = await login(api.url, 'owner@example.test')
      expect((await call(api.url, 'POST', '/api/logout', { cookie: stale })).status).toBe(200)
      expect((await call(api.url, 'GET', '/api/me', { cookie: stale })).status).toBe(401) // the contract, kept
      expect(await load(path, landing, heading, stale)).toEqual({ errors: [], apiCalls: [] })
    },
  )

  test('a live session still asks who it is, and lands signed in', async () => {
    const cookie = await login(api.url, 'owner@example.test')
    const { page, errors, apiCalls } = await watchedPage(cookie)
    await page.goto(`${BASE}/login`)
    await page.waitForURL(`${BASE}/`)
    await page.getByRole('heading', { name: 'Sites' }).waitFor()
    expect(apiCalls).toContain('GET /api/me 200')
    expect(errors).toEqual([])
  })
})
