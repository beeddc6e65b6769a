/**
 * Signing in through the dashboard's form works at the address the browser opened, in Debian's Chromium
 * against the real, built server without -public-url (issue 14): at http://127.0.0.1:<port>, what the
 * start-up log prints for a server listening on 127.0.0.1, and at another name of the same server
 * (`stats.test`, as a LAN name would be). A DNS-rebinding page — another name resolved to the same
 * server — passes the same-origin rule but gets no session cookie: the browser keeps it per host, so
 * the write is 401. With -public-url, a sign-in from elsewhere is refused, and the form shows the API's
 * message, which names -public-url.
 */
import { beforeAll, expect, test } from 'vitest'
import { cleanupsAfterAll } from './helpers/server.js'
import type { Browser, Page } from 'playwright-core'
import { DESKTOP_CHROME_UA, launchChromium } from './helpers/browser.js'
import { addUser, GENEROUS, PASSWORD, startApiServer, type ApiServer } from './helpers/api.js'

const EMAIL = 'owner@signin.example'
const cleanups = cleanupsAfterAll()

let api: ApiServer
let strict: ApiServer
let browser: Browser

beforeAll(async () => {
  api = await startApiServer(GENEROUS)
  cleanups.push(() => api.stop())
  addUser(api.dataPath, EMAIL)
  strict = await startApiServer([...GENEROUS, '-public-url', 'http://stats.example.test'])
  cleanups.push(() => strict.stop())
  addUser(strict.dataPath, EMAIL)
  browser = await launchChromium({ hosts: ['stats.test', 'rebind.test'] })
  cleanups.push(() => browser.close())
})

/**
 * A fresh browser profile's page (its own cookies), with the API's refusals of writes collected (not the 401 of
 * `GET /api/me` before signing in).
 */
async function freshPage(): Promise<{ page: Page; refusals: string[] }> {
  const context = await browser.newContext({ userAgent: DESKTOP_CHROME_UA })
  cleanups.push(() => context.close())
  context.setDefaultTimeout(8000)
  const page = await context.newPage()
  const refusals: string[] = []
  page.on('response', (r) => {
    if (r.status() >= 400 && r.request().method() !== 'GET' && new URL(r.url()).pathname.startsWith('/api/'))
      refusals.push(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`)
  })
  return { page, refusals }
}

async function signIn(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/`)
  await page.waitForURL(`${base}/login`)
  await page.getByLabel('E-mail').fill(EMAIL)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** A cookie-authenticated write from the page, as a script on it would send it. */
const createSite = (page: Page, domain: string) =>
  page.evaluate(
    async (d) =>
      (
        await fetch('/api/sites', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ domain: d }),
        })
      ).status,
    domain,
  )

test('at http://127.0.0.1:<port>, the address the log prints, the form signs in and writes work', async () => {
  const base = `http://127.0.0.1:${api.server.port}`
  expect(api.server.logs.join('\n')).toContain(`hitring listening on ${base}`)
  const { page, refusals } = await freshPage()
  await signIn(page, base)
  await page.waitForURL(`${base}/`)
  await page.getByRole('heading', { name: 'Add your first site' }).waitFor()
  expect(await createSite(page, 'first.example')).toBe(201)
  expect(refusals).toEqual([])
})

test('at another name of the same server, too', async () => {
  const base = `http://stats.test:${api.server.port}`
  const { page, refusals } = await freshPage()
  await signIn(page, base)
  await page.waitForURL(`${base}/`)
  expect(await createSite(page, 'second.example')).toBe(201)
  expect(refusals).toEqual([])
})

test('a rebinding page passes the same-origin rule, but the browser sends it no session cookie: 401', async () => {
  const { page } = await freshPage()
  await signIn(page, `http://127.0.0.1:${api.server.port}`)
  await page.waitForURL(`http://127.0.0.1:${api.server.port}/`)
  expect(await createSite(page, 'signed-in.example')).toBe(201)
  // The same browser, now on a page of another name that resolves to the server.
  await page.goto(`http://rebind.test:${api.server.port}/`)
  // The rule lets it through (a wrong password is judged, not refused as cross-site: 401, not 403)…
  const login = await page.evaluate(async (email) => {
    const r = await fetch('/api/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password: 'a wrong guess' }),
    })
    return `${r.status} ${((await r.json()) as { code: string }).code}`
  }, EMAIL)
  expect(login).toBe('401 invalid_credentials')
  // …but the write finds no session: the cookie of 127.0.0.1 is not sent to rebind.test.
  expect(await createSite(page, 'rebound.example')).toBe(401)
  await page.goto(`http://127.0.0.1:${api.server.port}/`)
  const domains = await page.evaluate(async () =>
    ((await (await fetch('/api/sites')).json()) as Array<{ domain: string }>).map((s) => s.domain),
  )
  expect(domains).toContain('signed-in.example')
  expect(domains).not.toContain('rebound.example')
})

test('with -public-url, a sign-in from another address is refused, and the form says to set -public-url', async () => {
  const base = `http://127.0.0.1:${strict.server.port}`
  const { page, refusals } = await freshPage()
  await signIn(page, base)
  const alert = page.getByRole('alert').first()
  await expect.poll(() => alert.textContent()).toContain('-public-url')
  expect(await alert.textContent()).toContain('is not the public URL http://stats.example.test')
  expect(refusals).toEqual(['POST /api/login 403'])
  expect(page.url()).toBe(`${base}/login`)
})
