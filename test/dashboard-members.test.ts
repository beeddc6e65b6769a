/**
 * Sharing a site from the dashboard, in Debian's Chromium against the real, built server: the owner's
 * Members card on the settings page shares the site with an account made by `hitring user add`, changes
 * its role (the REST API confirms), removes a member after a confirmation, and shows the API's refusals
 * in plain words (an unknown e-mail; the last owner who tries to step down or leave). The second account
 * signs in, sees the site without the Members card, and leaves it: the site is gone from their list.
 * Then the card's words (src/dashboard/members.ts, pure) in Node.
 *
 * The browser reaches the server at http://localhost:<port> (no -public-url), so the API's same-origin
 * CSRF check passes as for a person: the origin is the address reached. Screenshots of the card at desktop, phone and
 * dark go to test-artifacts/ (gitignored).
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ROOT, cleanupsAfterAll } from './helpers/server.js'
import { DESKTOP_CHROME_UA } from './helpers/browser.js'
import { addUser, call, createSite, initialUser, type ApiServer } from './helpers/api.js'
import { memberProblem, shareDone, splitCode } from '../src/dashboard/members.js'
import { signInThroughForm, startDashboard, watchPage } from './helpers/dashboard.js'

const ARTIFACTS = join(ROOT, 'test-artifacts')
const OWNER = 'owner@shop.example'
const VERA = 'vera@shop.example'
const LEO = 'leo@shop.example'
const DOMAIN = 'shop.example'

const cleanups = cleanupsAfterAll()

let api: ApiServer
let browser: Browser
let BASE: string
let ownerCookie: string
let siteId: string
const ids: Record<string, string> = {}
/** Console errors and uncaught exceptions of the pages (a CSP violation is one). */
const problems: string[] = []
/** Refusals the app received: only the ones this test provokes are expected. */
const refusals: string[] = []

async function newPage(
  opts: { width?: number; dark?: boolean; from?: BrowserContext } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: 800 },
    userAgent: DESKTOP_CHROME_UA,
    colorScheme: opts.dark ? 'dark' : 'light',
    ...(opts.from ? { storageState: await opts.from.storageState() } : {}),
  })
  cleanups.push(() => context.close())
  context.setDefaultTimeout(8000)
  const page = await context.newPage()
  watchPage(page, problems, refusals)
  return { context, page }
}

const signIn = (page: Page, email: string): Promise<void> => signInThroughForm(page, BASE, email)

/** The members as the API lists them (the owner's session), `email role` each. */
async function apiMembers(): Promise<string[]> {
  const a = await call(api.url, 'GET', `/api/sites/${siteId}/members`, { cookie: ownerCookie })
  expect(a.status, a.text).toBe(200)
  return a.json().map((m: { email: string; role: string }) => `${m.email} ${m.role}`)
}

/** Form controls without a label (a `<label for>`, a wrapping label, or aria-label): there must be none. */
const unlabelled = (p: Page) =>
  p
    .locator('input:not([type=hidden]), select, textarea, button')
    .evaluateAll((els) =>
      els
        .filter(
          (e: any) =>
            !(e.labels?.length || e.getAttribute('aria-label') || (e.tagName === 'BUTTON' && e.textContent.trim())),
        )
        .map((e: any) => e.outerHTML.slice(0, 120)),
    )

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true })
  ;({ api, base: BASE, browser } = await startDashboard(cleanups))
  ownerCookie = await initialUser(api.url, OWNER)
  siteId = (await createSite(api.url, ownerCookie, DOMAIN)).id
  ids.owner = (await call(api.url, 'GET', '/api/me', { cookie: ownerCookie })).json().id
  // Accounts made the way the card tells people to: `hitring user add`.
  ids.vera = addUser(api.dataPath, VERA).id
  ids.leo = addUser(api.dataPath, LEO).id
})

describe.sequential('sharing a site in the dashboard', () => {
  let owner: { context: BrowserContext; page: Page }
  const card = () =>
    owner.page.locator('section', { has: owner.page.getByRole('heading', { name: 'Members', exact: true }) })
  const row = (email: string) => card().locator(`li[data-member="${email}"]`)
  const alertText = () => card().getByRole('alert').textContent()

  test('the owner’s settings page has a Members card listing them alone, every control labelled', async () => {
    owner = await newPage()
    await signIn(owner.page, OWNER)
    await owner.page.goto(`${BASE}/sites/${siteId}/settings`)
    await row(OWNER).waitFor()
    expect(await card().locator('li[data-member]').count()).toBe(1)
    expect(await row(OWNER).getByText('you', { exact: true }).count()).toBe(1)
    expect(await row(OWNER).getByLabel(`Role of ${OWNER}`).inputValue()).toBe('owner')
    // Your own access is given up with "Leave this site", not from the list.
    expect(await row(OWNER).getByRole('button').count()).toBe(0)
    await card().getByText('Nobody else can see this site yet.').waitFor()
    expect(await unlabelled(owner.page)).toEqual([])
  })

  test('share with an existing account as viewer: a toast, and the list shows them', async () => {
    await card().getByLabel('E-mail').fill(VERA)
    expect(await card().getByLabel('Role', { exact: true }).inputValue(), 'the least access by default').toBe('viewer')
    // From the keyboard: Enter in the e-mail field submits.
    await card().getByLabel('E-mail').press('Enter')
    await owner.page.locator('.toast', { hasText: `Shared with ${VERA} as viewer` }).waitFor()
    await expect.poll(() => row(VERA).getByLabel(`Role of ${VERA}`).inputValue()).toBe('viewer')
    expect(await card().getByLabel('E-mail').inputValue(), 'the form is emptied').toBe('')
    expect(await apiMembers()).toEqual([`${OWNER} owner`, `${VERA} viewer`])
    expect(await card().getByText('Nobody else can see this site yet.').count()).toBe(0)
  })

  test('change their role with the selector: editor, as the API confirms', async () => {
    await row(VERA).getByLabel(`Role of ${VERA}`).selectOption('editor')
    await owner.page.locator('.toast', { hasText: `${VERA} is now editor` }).waitFor()
    await expect.poll(() => apiMembers()).toEqual([`${OWNER} owner`, `${VERA} editor`])
    await expect.poll(() => row(VERA).getByLabel(`Role of ${VERA}`).inputValue()).toBe('editor')
  })

  test('an e-mail with no account: the message says so and how to make one, next to the form', async () => {
    await card().getByLabel('E-mail').fill('nobody@shop.example')
    await card().getByRole('button', { name: 'Share' }).click()
    await expect.poll(alertText).toBe('No account with this e-mail: create it with hitring user add')
    expect(await card().getByRole('alert').locator('code').textContent()).toBe('hitring user add')
    // The field the API named is marked, with its own message.
    expect(await card().getByLabel('E-mail').getAttribute('aria-invalid')).toBe('true')
    expect(await card().locator('.field-error:visible').textContent()).toBe('no such user')
    expect(await apiMembers()).toHaveLength(2)
  })

  test('remove a member: asked first (Cancel keeps them), then gone from the list and the API', async () => {
    await card().getByLabel('E-mail').fill(LEO)
    await card().getByRole('button', { name: 'Share' }).click()
    await row(LEO).waitFor()
    expect(await card().getByRole('alert').isHidden(), 'a success clears the last error').toBe(true)
    await row(LEO)
      .getByRole('button', { name: `Remove ${LEO}` })
      .click()
    const dialog = owner.page.getByRole('dialog', { name: `Remove ${LEO}?` })
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect(await apiMembers()).toContain(`${LEO} viewer`)
    // Again, confirmed from the keyboard (the dialog focuses its confirm button).
    await row(LEO)
      .getByRole('button', { name: `Remove ${LEO}` })
      .click()
    await dialog.getByRole('button', { name: 'Remove member' }).waitFor()
    await expect
      .poll(() => owner.page.evaluate<string | undefined>('document.activeElement?.textContent'))
      .toBe('Remove member')
    await owner.page.keyboard.press('Enter')
    await row(LEO).waitFor({ state: 'detached' })
    await owner.page.locator('.toast', { hasText: `${LEO} removed` }).waitFor()
    expect(await apiMembers()).toEqual([`${OWNER} owner`, `${VERA} editor`])
  })

  test('the last owner can neither step down nor leave: “A site needs at least one owner”', async () => {
    await row(OWNER).getByLabel(`Role of ${OWNER}`).selectOption('viewer')
    await expect.poll(alertText).toContain('A site needs at least one owner')
    expect(await row(OWNER).getByLabel(`Role of ${OWNER}`).inputValue(), 'the selector shows the role kept').toBe(
      'owner',
    )

    const leaving = owner.page.locator('section', { has: owner.page.getByRole('heading', { name: 'Your access' }) })
    await leaving.getByRole('button', { name: 'Leave this site' }).click()
    await owner.page
      .getByRole('dialog', { name: `Leave ${DOMAIN}?` })
      .getByRole('button', { name: 'Leave site' })
      .click()
    await expect.poll(() => leaving.getByRole('alert').textContent()).toContain('A site needs at least one owner')
    expect(owner.page.url()).toBe(`${BASE}/sites/${siteId}/settings`)
    expect(await apiMembers()).toEqual([`${OWNER} owner`, `${VERA} editor`])
  })

  test('the card at phone width and in the dark: nothing sticks out sideways', async () => {
    await owner.page.locator('.toast').last().waitFor({ state: 'detached', timeout: 4000 })
    await card().screenshot({ path: join(ARTIFACTS, 'dashboard-members-desktop.png') })
    for (const [name, opts] of [
      ['phone', { width: 390 }],
      ['desktop-dark', { dark: true }],
    ] as const) {
      const other = await newPage({ ...opts, from: owner.context })
      await other.page.goto(`${BASE}/sites/${siteId}/settings`)
      const c = other.page.locator('section', {
        has: other.page.getByRole('heading', { name: 'Members', exact: true }),
      })
      await c.locator(`li[data-member="${VERA}"]`).waitFor()
      const overflow = await other.page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')
      expect(overflow, `${name}: nothing sticks out sideways`).toBeLessThanOrEqual(0)
      await c.screenshot({ path: join(ARTIFACTS, `dashboard-members-${name}.png`) })
      await other.context.close()
    }
  })

  test('the shared account signs in, sees the site, has no Members card, and leaves it', async () => {
    const vera = await newPage()
    await signIn(vera.page, VERA)
    const link = vera.page.getByRole('link', { name: new RegExp(DOMAIN) })
    await link.waitFor()
    expect(await link.textContent()).toContain('editor')
    await vera.page.goto(`${BASE}/sites/${siteId}/settings`)
    const leaving = vera.page.locator('section', { has: vera.page.getByRole('heading', { name: 'Your access' }) })
    await leaving.getByText('You are editor of this site.').waitFor()
    expect(await vera.page.getByRole('heading', { name: 'Members', exact: true }).count()).toBe(0)
    // The settings an editor has are there (the page is fully drawn).
    await vera.page.getByRole('heading', { name: 'Exclusions' }).waitFor()
    expect(await unlabelled(vera.page)).toEqual([])

    await leaving.getByRole('button', { name: 'Leave this site' }).click()
    await vera.page
      .getByRole('dialog', { name: `Leave ${DOMAIN}?` })
      .getByRole('button', { name: 'Leave site' })
      .click()
    await vera.page.waitForURL(`${BASE}/`)
    await vera.page.locator('.toast', { hasText: `You left ${DOMAIN}` }).waitFor()
    // No site any more: the sites page offers to add one, and the site switcher is hidden.
    await vera.page.getByRole('heading', { name: 'Add your first site' }).waitFor()
    expect(await vera.page.getByRole('link', { name: new RegExp(DOMAIN) }).count()).toBe(0)
    expect(await apiMembers()).toEqual([`${OWNER} owner`])
    // And its address is now a site she cannot see.
    await vera.page.goto(`${BASE}/sites/${siteId}/settings`)
    await vera.page.getByText('No site with this id is visible to you.').waitFor()
  })

  test('no other error: only the refusals this test provoked', async () => {
    expect(problems).toEqual([])
    expect(new Set(refusals), refusals.join('\n')).toEqual(
      new Set([
        `POST /api/sites/${siteId}/members 404`, // nobody@shop.example
        `POST /api/sites/${siteId}/members 409`, // the last owner steps down
        `DELETE /api/sites/${siteId}/members/${ids.owner} 409`, // the last owner leaves
      ]),
    )
  })
})

describe('the card’s words (pure, in Node)', () => {
  test('refusals a person can cause, in plain words; any other in the API’s own', () => {
    expect(memberProblem('unknown_user', 'No user has the e-mail "x"; create one with hitring user add')).toBe(
      'No account with this e-mail: create it with `hitring user add`',
    )
    expect(memberProblem('last_owner', 'This is the last owner')).toMatch(/^A site needs at least one owner/)
    expect(memberProblem('unknown_member', 'not a member')).toMatch(/no role on the site any more/)
    expect(memberProblem('invalid_field', 'email: must be an e-mail address')).toBe('email: must be an e-mail address')
  })

  test('commands between backticks become separate pieces (odd ones are code)', () => {
    expect(splitCode('create it with `hitring user add` now')).toEqual(['create it with ', 'hitring user add', ' now'])
    expect(splitCode('no command')).toEqual(['no command'])
  })

  test('after sharing: a new member, a changed role, or the same role again', () => {
    const before = [{ user_id: 'u1', email: 'ana@x.example', role: 'viewer' as const }]
    expect(shareDone(before, { user_id: 'u2', email: 'bo@x.example', role: 'editor' })).toBe(
      'Shared with bo@x.example as editor',
    )
    expect(shareDone(before, { user_id: 'u1', email: 'ana@x.example', role: 'owner' })).toBe(
      'ana@x.example is now owner',
    )
    expect(shareDone(before, { user_id: 'u1', email: 'ana@x.example', role: 'viewer' })).toBe(
      'ana@x.example already is viewer',
    )
  })
})
