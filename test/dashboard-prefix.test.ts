/**
 * The dashboard behind a reverse proxy that serves hitring under a path (`-public-url http://…/stats`):
 * pages, assets, API calls, links and the snippet all carry the prefix, and the first run works through it.
 */
import { beforeAll, expect, test } from 'vitest'
import type { Browser } from 'playwright-core'
import { ROOT, setupToken, startServer, tempDataDir, type ServerProcess, cleanupsAfterAll } from './helpers/server.js'
import { GENEROUS } from './helpers/api.js'
import { launchChromium, serveFixtures, type FixtureOptions, type FixtureServer } from './helpers/browser.js'

const cleanups = cleanupsAfterAll()

let server: ServerProcess
let proxy: FixtureServer
let browser: Browser
let PUBLIC: string

beforeAll(async () => {
  // The proxy's port is in the server's public URL, and the server's in the proxy's target: the target is
  // read per request, so it is filled in once the server listens.
  const options: FixtureOptions = { dir: ROOT, vars: {}, proxyPrefix: '/stats', proxyTarget: '' }
  proxy = await serveFixtures(options)
  cleanups.push(() => proxy.close())
  PUBLIC = `http://localhost:${proxy.port}/stats`
  const dir = tempDataDir()
  cleanups.push(() => dir.remove())
  server = await startServer(dir.path, [...GENEROUS, '-public-url', PUBLIC])
  cleanups.push(() => server.stop())
  options.proxyTarget = server.url
  browser = await launchChromium({ hosts: ['localhost'] })
  cleanups.push(() => browser.close())
})

test('first run, a site and its snippet, all under /stats/', async () => {
  const context = await browser.newContext()
  cleanups.push(() => context.close())
  const page = await context.newPage()
  page.setDefaultTimeout(8000)
  const outside: string[] = []
  page.on('request', (r) => {
    if (!r.url().startsWith(`${PUBLIC}/`)) outside.push(r.url())
  })
  // The set-up link, opened at / (a link cut short by hand): the app keeps its token on the way to /setup.
  const token = await setupToken(server.url)
  await page.goto(`${PUBLIC}/?token=${token}`)
  await page.waitForURL(`${PUBLIC}/setup?token=${token}`)
  await page.getByLabel('E-mail').fill('owner@prefix.example')
  await page.getByLabel('Password').fill('correct horse battery')
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.waitForURL(`${PUBLIC}/`)
  await page.getByLabel('Domain').fill('prefix.example')
  await page.getByRole('button', { name: 'Add site' }).click()
  expect(await page.getByLabel('Tracking snippet').textContent()).toBe(`<script async src="${PUBLIC}/hk.js"></script>`)
  await page.getByRole('link', { name: 'Open dashboard' }).click()
  await page.waitForURL(new RegExp(`^${PUBLIC}/sites/[0-9a-f-]{36}$`))
  await page.locator('[data-nav="goals"]').click()
  await page.waitForURL(/\/stats\/sites\/[0-9a-f-]{36}\/goals$/)
  await page.getByText('No goals yet').waitFor()
  // A reload of a deep link is answered by the server too.
  await page.reload()
  await page.getByText('No goals yet').waitFor()
  expect(outside).toEqual([])
})
