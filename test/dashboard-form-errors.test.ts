/**
 * A form shows each of the API's refusals once, in Debian's Chromium against the real, built server: a
 * refusal that names a field of the form is shown next to that field (which takes the focus and reads
 * it out with its label), not again in the form's alert — the short password of the first-run page and
 * a domain given as a URL on the add-site form; a refusal about no field here (a wrong set-up link)
 * stays in the alert.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { setupToken, cleanupsAfterAll } from './helpers/server.js'
import { PASSWORD, type ApiServer } from './helpers/api.js'
import { dashboardPage, fieldError, startDashboard } from './helpers/dashboard.js'

const cleanups = cleanupsAfterAll()

let api: ApiServer
let page: Page
let BASE: string

beforeAll(async () => {
  let browser: Browser
  ;({ api, base: BASE, browser } = await startDashboard(cleanups))
  ;({ page } = await dashboardPage(browser, cleanups, BASE))
})

/** How many times `text` is on screen in the page's main content (hidden elements do not count). */
const timesShown = async (text: string) => (await page.locator('main').innerText()).split(text).length - 1

describe.sequential('each refusal once', () => {
  test('a wrong set-up link: no field of the form to show it at, so the alert says it', async () => {
    await page.goto(`${BASE}/setup?token=hru_${'A'.repeat(43)}`)
    await page.getByLabel('E-mail').fill('owner@forms.example')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Create account' }).click()
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('This set-up link is wrong or no longer valid.')
  })

  test('the first-run page: a short password is refused once, next to the password', async () => {
    await page.goto(`${BASE}/setup?token=${await setupToken(api.url)}`)
    await page.getByLabel('E-mail').fill('owner@forms.example')
    const password = page.getByLabel('Password')
    await password.fill('short')
    await page.getByRole('button', { name: 'Create account' }).click()
    await expect.poll(() => fieldError(password)).toBe('must be at least 8 characters')
    expect(await timesShown('at least 8 characters')).toBe(1)
    expect(await password.getAttribute('aria-invalid')).toBe('true')
    expect(await password.evaluate((el: any) => el === el.ownerDocument.activeElement)).toBe(true)
    expect(await page.getByRole('alert').count()).toBe(0)
    // Fixed, and the error goes.
    await password.fill(PASSWORD)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL(`${BASE}/`)
  })

  test('the add-site form: a URL for a domain is refused once, next to the domain', async () => {
    const domain = page.getByLabel('Domain')
    await domain.fill('https://forms.example/')
    await page.getByRole('button', { name: 'Add site' }).click()
    await expect.poll(() => fieldError(domain)).toContain('not a URL')
    expect(await timesShown('not a URL')).toBe(1)
    expect(await page.getByRole('alert').count()).toBe(0)
  })
})
