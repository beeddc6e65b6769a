/**
 * CSRF without -public-url: a browser's sign-in and cookie-authenticated writes are accepted from the
 * address the server was reached at — `Origin` (or `Referer`) equal to `http://` + the `Host` header —
 * whatever name that is (issue 14: bound to 127.0.0.1 and opened there, the sign-in got 403 because the
 * default public URL said localhost). Anything else is still 403 `cross_site_request`, with a message
 * that points at -public-url. With -public-url, only its origin passes, and the refusal names the flag.
 * The sign-in in Chromium, and why DNS rebinding gets no cookie, are in dashboard-sign-in-address.test.ts.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { cleanupsAfterAll } from './helpers/server.js'
import { addUser, call, expectError, PASSWORD, sessionCookieOf, startApiServer, type ApiServer } from './helpers/api.js'

const EMAIL = 'owner@reached.example'
const cleanups = cleanupsAfterAll()

const signIn = (api: ApiServer, headers: Record<string, string>) =>
  call(api.url, 'POST', '/api/login', {}, { email: EMAIL, password: PASSWORD }, headers)

describe('without -public-url (the server listens on 127.0.0.1)', () => {
  let api: ApiServer
  let port: number
  let here: string
  beforeAll(async () => {
    api = await startApiServer()
    cleanups.push(() => api.stop())
    addUser(api.dataPath, EMAIL)
    port = api.server.port
    here = `http://127.0.0.1:${port}`
  })

  test('a browser-like sign-in from the address it opened is accepted; its cookie is not Secure (http)', async () => {
    const a = await signIn(api, { Origin: here, Host: `127.0.0.1:${port}`, 'Sec-Fetch-Site': 'same-origin' })
    expect(a.status, a.text).toBe(200)
    const cookie = String(a.headers['set-cookie'])
    expect(cookie).toMatch(/^hk_token=/)
    expect(cookie).not.toContain('Secure')
  })

  test.each([
    ['localhost', () => ({ Origin: `http://localhost:${port}`, Host: `localhost:${port}` })],
    ['a LAN name', () => ({ Origin: `http://stats.lan:${port}`, Host: `stats.lan:${port}` })],
    ['in another case, on the default port', () => ({ Origin: 'http://STATS.lan', Host: 'Stats.LAN:80' })],
  ])('another name of the same server (%s) is accepted when Origin and Host agree', async (_label, headers) => {
    const a = await signIn(api, headers())
    expect(a.status, a.text).toBe(200)
  })

  test('a Referer from the address opened (no Origin) is accepted', async () => {
    expect((await signIn(api, { Referer: `${here}/login?next=%2F`, Host: `127.0.0.1:${port}` })).status).toBe(200)
  })

  test('a cookie-authenticated write from the address opened is accepted; from another origin, refused', async () => {
    const cookie = sessionCookieOf(await signIn(api, { Origin: here }))
    const ok = await call(api.url, 'POST', '/api/sites', { cookie }, { domain: 'reached.example' }, { Origin: here })
    expect(ok.status, ok.text).toBe(201)
    const refused = await call(
      api.url,
      'POST',
      '/api/sites',
      { cookie },
      { domain: 'evil-made.example' },
      { Origin: 'http://evil.example' },
    )
    expectError(refused, 403, 'cross_site_request')
    const sites = (await call(api.url, 'GET', '/api/sites', { cookie })).json() as Array<{ domain: string }>
    expect(sites.map((s) => s.domain)).toEqual(['reached.example'])
  })

  test.each([
    ['a foreign Origin', () => ({ Origin: 'http://evil.example' })],
    ['another port of the same host', () => ({ Origin: `http://127.0.0.1:${port + 1}` })],
    ['https: this server serves http only', () => ({ Origin: `https://127.0.0.1:${port}` })],
    ['Origin: null', () => ({ Origin: 'null' })],
    ['an Origin matching the server, a Host of another name', () => ({ Origin: here, Host: `evil.example:${port}` })],
    ['a foreign Referer and no Origin', () => ({ Referer: 'http://evil.example/page' })],
    ['Sec-Fetch-Site: cross-site with a matching Origin', () => ({ Origin: here, 'Sec-Fetch-Site': 'cross-site' })],
  ])('%s → 403', async (_label, headers) => {
    expectError(await signIn(api, headers()), 403, 'cross_site_request')
  })

  test('the refusal says which address was expected and how to set another', async () => {
    const a = await signIn(api, { Origin: 'http://evil.example' })
    expect(a.json().message).toBe(
      `Refused a cross-site request: Origin "http://evil.example" is not ${here}, the address this server was ` +
        `reached at ` +
        '(behind an https proxy, set -public-url / HITKEEP_PUBLIC_URL to the address you open)',
    )
  })

  test('a malformed Host matches nothing', async () => {
    const a = await signIn(api, { Origin: 'http://b.example', Host: 'a@b.example' })
    expectError(a, 403, 'cross_site_request')
    expect(a.json().message).toContain('does not match the Host header')
  })
})

describe('with -public-url', () => {
  const PUBLIC = 'https://stats.example.test'
  let api: ApiServer
  beforeAll(async () => {
    api = await startApiServer(['-public-url', PUBLIC])
    cleanups.push(() => api.stop())
    addUser(api.dataPath, EMAIL)
  })

  test('the address reached is not enough: 403, and the message names -public-url and HITKEEP_PUBLIC_URL', async () => {
    const here = `http://127.0.0.1:${api.server.port}`
    const a = await signIn(api, { Origin: here, Host: `127.0.0.1:${api.server.port}` })
    expectError(a, 403, 'cross_site_request')
    expect(a.json().message).toBe(
      `Refused a cross-site request: Origin "${here}" is not the public URL ${PUBLIC} ` +
        '(set -public-url / HITKEEP_PUBLIC_URL to the address you open)',
    )
  })

  test('the public origin signs in, and its cookie is Secure', async () => {
    const a = await signIn(api, { Origin: PUBLIC, Host: 'stats.example.test' })
    expect(a.status, a.text).toBe(200)
    expect(String(a.headers['set-cookie'])).toContain('; Secure')
  })
})
