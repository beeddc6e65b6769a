/**
 * Exclusions over the API: add and remove excluded IPs/CIDRs and allowed hostnames (canonical forms,
 * validation naming the entry), and their effect on ingest — `X-Hitring-Drop: excluded_ip` for a
 * client inside an excluded network, `hostname_not_allowed` outside the allow-list.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { send } from './helpers/http.js'
import { waitFor } from './helpers/server.js'
import { call, createSite, expectError, GENEROUS, initialUser, startApiServer, type ApiServer } from './helpers/api.js'

let api: ApiServer
let cookie: string
let site: string
const path = () => `/api/sites/${site}/exclusions`

beforeAll(async () => {
  // Behind a trusted proxy on loopback, so X-Forwarded-For chooses the client address.
  api = await startApiServer([...GENEROUS, '-trusted-proxies', '127.0.0.1/32'])
  cookie = await initialUser(api.url)
  site = (await createSite(api.url, cookie, 'shop.example')).id
})
afterAll(async () => {
  await api?.stop()
})

const ingest = (clientIp: string, url = 'https://shop.example/') =>
  send(`${api.url}/ingest/event`, {
    body: JSON.stringify({ site_id: site, name: 'signup', url }),
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': clientIp },
  })

test('round trip: add, read, remove; entries in canonical form, duplicates once', async () => {
  expect((await call(api.url, 'GET', path(), { cookie })).json()).toEqual({ excluded_ips: [], allowed_hostnames: [] })
  const added = await call(
    api.url,
    'POST',
    path(),
    { cookie },
    {
      excluded_ips: ['203.0.113.9/24', '2001:DB8::/32', '198.51.100.7'],
      allowed_hostnames: ['Shop.Example', '*.shop.example'],
    },
  )
  expect(added.status).toBe(200)
  expect(added.json()).toEqual({
    excluded_ips: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'],
    allowed_hostnames: ['shop.example', '*.shop.example'],
  })
  const again = await call(api.url, 'POST', path(), { cookie }, { excluded_ips: ['198.51.100.7'] })
  expect(again.json().excluded_ips).toEqual(['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'])
  expect((await call(api.url, 'GET', path(), { cookie })).json()).toEqual(again.json())

  const removed = await call(
    api.url,
    'DELETE',
    path(),
    { cookie },
    { excluded_ips: ['198.51.100.7', '2001:db8::/32'], allowed_hostnames: ['*.shop.example'] },
  )
  expect(removed.json()).toEqual({ excluded_ips: ['203.0.113.0/24'], allowed_hostnames: ['shop.example'] })
})

test.each([
  ['a bad IP', { excluded_ips: ['10.0.0.1', '999.1.1.1'] }, 'excluded_ips.1'],
  ['a bad prefix', { excluded_ips: ['10.0.0.0/33'] }, 'excluded_ips.0'],
  ['a URL for a hostname', { allowed_hostnames: ['https://shop.example/'] }, 'allowed_hostnames.0'],
  ['nothing at all', {}, '(body)'],
  ['a string for a list', { excluded_ips: '10.0.0.1' }, 'excluded_ips'],
])('%s → 400 naming %s', async (_label, body, field) => {
  const a = await call(api.url, 'POST', path(), { cookie }, body)
  expectError(a, 400, 'invalid_field')
  expect(a.json().field).toBe(field)
})

test('ingest drops an excluded client (excluded_ip) and pages off the allow-list; removal lets them in', async () => {
  // The lists are as the previous test left them: 203.0.113.0/24 excluded, only shop.example allowed.
  const excluded = await ingest('203.0.113.77')
  expect(excluded.status).toBe(202)
  expect(excluded.headers['x-hitring-drop']).toBe('excluded_ip')
  expect((await ingest('192.0.2.1', 'https://elsewhere.example/')).headers['x-hitring-drop']).toBe(
    'hostname_not_allowed',
  )
  expect((await ingest('192.0.2.1')).headers['x-hitring-drop']).toBeUndefined()

  await call(api.url, 'DELETE', path(), { cookie }, { excluded_ips: ['203.0.113.0/24'] })
  // The ingest path re-reads a site at most every 5 s.
  await waitFor(
    async () => {
      const a = await ingest('203.0.113.77')
      return a.status === 202 && a.headers['x-hitring-drop'] === undefined
    },
    8000,
    'the exclusion to lapse',
  )
})
