/**
 * Every refusal of the API is JSON `{code, message, field?, fields?}` from the catalogue, and no input
 * — malformed paths, bodies, query strings, headers — produces a 5xx or takes the server down.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { send } from './helpers/http.js'
import { call, createSite, expectError, initialUser, startApiServer, type ApiServer } from './helpers/api.js'

let api: ApiServer
let cookie: string
let site: string

beforeAll(async () => {
  // Limits out of the way: the fuzz sends thousands of requests and must reach the handlers.
  api = await startApiServer([
    '-api-rate',
    '1000000',
    '-api-burst',
    '1000000',
    '-auth-rate',
    '1000000',
    '-auth-burst',
    '1000000',
  ])
  cookie = await initialUser(api.url)
  site = (await createSite(api.url, cookie, 'errors.example')).id
})
afterAll(async () => {
  await api?.stop()
})

test('the catalogue answers: 404, 405 with Allow, 401, 413, 415, 400', async () => {
  expectError(await call(api.url, 'GET', '/api/no/such/route', { cookie }), 404, 'not_found')
  expectError(await call(api.url, 'GET', '/api/sites/x/y/z/w', { cookie }), 404, 'not_found')
  const wrongMethod = await call(api.url, 'PUT', '/api/sites', { cookie }, {})
  expectError(wrongMethod, 405, 'method_not_allowed')
  expect(wrongMethod.headers.allow).toBe('GET, HEAD, POST')
  expect((await call(api.url, 'PATCH', `/api/sites/${site}/goals`, { cookie }, {})).headers.allow).toBe(
    'GET, HEAD, POST',
  )
  expectError(await call(api.url, 'GET', '/api/me'), 401, 'unauthorized')
  expectError(
    await call(api.url, 'POST', '/api/sites', { cookie }, 'domain=x.example', {
      'Content-Type': 'application/x-www-form-urlencoded',
    }),
    415,
    'unsupported_media_type',
  )
  expectError(
    await call(api.url, 'POST', '/api/sites', { cookie }, JSON.stringify({ domain: 'x'.repeat(70_000) })),
    413,
    'body_too_large',
  )
  const chunked = await send(`${api.url}/api/sites`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: `hk_token=${cookie}` },
    chunks: [Buffer.from('{"domain":"'), Buffer.alloc(70_000, 0x61), Buffer.from('"}')],
  })
  expectError(chunked, 413, 'body_too_large')
  expectError(await call(api.url, 'POST', '/api/sites', { cookie }, '{"domain": nope}'), 400, 'invalid_json')
  const missing = await call(api.url, 'POST', '/api/sites', { cookie })
  expectError(missing, 400, 'invalid_field')
  expect(missing.json()).toMatchObject({ field: 'domain', fields: [{ field: 'domain' }] })
})

const nasty = [
  '',
  'null',
  '[]',
  '"string"',
  '12345678901234567890123456789',
  '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
  '{"name":{"$gt":""},"type":["event"],"value":1e309}',
  `{"name":"${'\u0000\ud800'.repeat(50)}","type":"event","value":"x"}`,
  '['.repeat(5000) + ']'.repeat(5000),
  `{"a":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`,
  `{"email":"a@b.c","password":"${'p'.repeat(2000)}"}`,
  '\u00ff\u00fe\u0000garbage',
]
test('fuzz: every route, odd ids, odd bodies and queries — never a 5xx, every 4xx is catalogue JSON', async () => {
  const ids = [
    site,
    '..',
    '%2e%2e',
    'x'.repeat(2000),
    '%E0%A4%A',
    '00000000-0000-4000-8000-000000000000',
    'null',
    '__proto__',
  ]
  const doc = (await call(api.url, 'GET', '/api/openapi.json')).json()
  const seen = new Set<string>()
  for (const [template, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
    for (const method of Object.keys(ops).map((m) => m.toUpperCase())) {
      // Not fuzzed: logout (ends our session), deleting the site, and the event stream (never ends by design).
      if (
        template === '/api/logout' ||
        template.endsWith('/stream') ||
        (method === 'DELETE' && template === '/api/sites/{id}')
      )
        continue
      for (const id of ids) {
        const path = template.replace(/\{[a-z_]+\}/g, (m) => (m === '{id}' ? id : encodeURIComponent('a b/c')))
        for (const body of method === 'GET' ? [undefined] : nasty) {
          for (const query of [
            '',
            '?from=%ZZ&to=&tz=Not/AZone&interval=year&limit=-1&filter=:::&goal_id=',
            '?from[]=1&__proto__=x&limit=99999999999999999999',
          ]) {
            const a = await call(api.url, method, path + query, { cookie }, body)
            seen.add(`${a.status}`)
            expect(
              a.status,
              `${method} ${path}${query} ${String(body).slice(0, 60)} → ${a.text.slice(0, 200)}`,
            ).toBeLessThan(500)
            if (a.status >= 400) expectError(a, a.status)
          }
        }
      }
    }
  }
  expect([...seen].sort()).toEqual(expect.arrayContaining(['200', '400', '404']))
  expect(seen.has('429')).toBe(false)
  // Still alive and still ours.
  expect((await call(api.url, 'GET', `/api/sites/${site}`, { cookie })).status).toBe(200)
}, 120_000)

test('a path parameter longer than any id, name or key (5,000 bytes) is a 404 on every route, not a 500', async () => {
  // Found by the hostile-input fuzzer: such an id reached an LMDB read, whose key buffer (~4 KB) it did not fit.
  const doc = (await call(api.url, 'GET', '/api/openapi.json')).json()
  const long = 'x'.repeat(5_000)
  let routes = 0
  for (const [template, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
    const params = template.match(/\{[a-z_]+\}/g) ?? []
    for (const method of Object.keys(ops).map((m) => m.toUpperCase())) {
      for (const param of params) {
        const path = template.replace(/\{[a-z_]+\}/g, (m) => (m === param ? long : m === '{id}' ? site : 'x'))
        const a = await call(api.url, method, path, { cookie }, method === 'GET' ? undefined : {})
        expectError(a, 404)
        routes++
      }
    }
  }
  expect(routes).toBeGreaterThan(20)
})

test('odd headers: a broken cookie header, a bearer with no token, a huge X-Api-Key', async () => {
  const odd: Array<Record<string, string>> = [
    { Cookie: 'hk_token' },
    { Cookie: '=;=;hk_token=;;' },
    { Authorization: 'Bearer' },
    { Authorization: 'Bearer    ' },
    { 'X-Api-Key': 'k'.repeat(8000) },
    { Origin: '\u00ff', 'Sec-Fetch-Site': 'x' },
  ]
  for (const headers of odd) {
    const a = await send(`${api.url}/api/sites`, { method: 'GET', headers })
    expectError(a, 401, 'unauthorized')
  }
  const csrf = await send(`${api.url}/api/sites`, {
    method: 'POST',
    headers: { Cookie: `hk_token=${cookie}`, Origin: 'not a url', 'Content-Type': 'application/json' },
    body: '{}',
  })
  expectError(csrf, 403, 'cross_site_request')
})
