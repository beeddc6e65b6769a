/**
 * The visitor's language (issue 17, added through the event table of issue 15): hk.js's `language`, a
 * server item's `language` and HitKeep's `lang` are checked, stored as the primary subtag lower-cased
 * (`pt-BR` → `pt`) and counted per visit, over real HTTP to a real server, and read back as
 * `top.languages` of the stats answer.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  call,
  createApiClient,
  createSite,
  GENEROUS,
  initialUser,
  startApiServer,
  type ApiServer,
} from './helpers/api.js'
import { send, type Answer } from './helpers/http.js'
import { waitFor } from './helpers/server.js'
import { storedEventCount } from './helpers/store.js'

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'

let api: ApiServer
let cookie: string
let token: string
let siteId: string
let ipNo = 0

beforeAll(async () => {
  api = await startApiServer([...GENEROUS, '-trusted-proxies', '127.0.0.1/32', '-ingest-burst', '1000'])
  cookie = await initialUser(api.url)
  siteId = (await createSite(api.url, cookie, 'lang.example')).id
  token = (await createApiClient(api.url, cookie, [{ site_id: siteId, role: 'editor' }])).token
})
afterAll(async () => api?.stop())

/** A browser's beacon (as hk.js sends it), from a new visitor each time. */
function beacon(path: '/ingest' | '/ingest/event', body: Record<string, unknown>): Promise<Answer> {
  const headers = {
    'Content-Type': 'text/plain',
    'User-Agent': CHROME,
    Origin: 'https://lang.example',
    'X-Forwarded-For': `198.51.100.${++ipNo}`,
  }
  return send(`${api.url}${path}`, { body: JSON.stringify(body), headers })
}

const serverItem = (over: Record<string, unknown>) => ({
  url: 'https://lang.example/pricing',
  timestamp: new Date().toISOString(),
  visitor_ip: `203.0.113.${++ipNo}`,
  user_agent: CHROME,
  ...over,
})

function expectRefused(a: Answer, field: string): void {
  expect(a.status, a.text).toBe(400)
  expect(a.json().code).toBe('invalid_field')
  expect(a.json().fields.map((f: { field: string }) => f.field)).toEqual([field])
}

test("languages from hk.js, a backend and HitKeep's tracker: counted by visit and primary subtag", async () => {
  const sent: Answer[] = [
    await beacon('/ingest', { url: 'https://lang.example/', language: 'pt-BR' }),
    await beacon('/ingest', { url: 'https://lang.example/', language: 'PT-pt' }),
    await beacon('/ingest', { url: 'https://lang.example/a', language: 'en-US' }),
    // A second event of a visit does not count the visit again.
    await beacon('/ingest', {
      url: 'https://lang.example/',
      language: 'de',
      session_id: '0b3f2f5e-8a1c-4c63-9d2a-4c1b8f3e7a10',
    }),
    await beacon('/ingest/event', {
      url: 'https://lang.example/',
      name: 'signup',
      language: 'de-AT',
      session_id: '0b3f2f5e-8a1c-4c63-9d2a-4c1b8f3e7a10',
    }),
    // No language (absent, null, empty): counted as a visit, not as a language.
    await beacon('/ingest', { url: 'https://lang.example/' }),
    await beacon('/ingest', { url: 'https://lang.example/', language: null }),
    await beacon('/ingest', { url: 'https://lang.example/', language: '' }),
    // HitKeep's tracker names it `lang`.
    await beacon('/ingest', { path: '/hk', lang: 'zh_Hant_TW', session_id: null }),
    await call(api.url, 'POST', '/api/ingest/server/pageview', { token }, serverItem({ language: 'fr-CA' })),
    await call(api.url, 'POST', '/api/ingest/batch', { token }, [serverItem({ language: 'pt' }), serverItem({})]),
  ]
  for (const a of sent) {
    expect(a.status, a.text).toBe(202)
    expect(a.headers['x-hitring-drop']).toBeUndefined()
  }
  await waitFor(() => storedEventCount(api.dataPath) === 12, 5000, 'the 12 events stored')
  const stats = await call(api.url, 'GET', `/api/sites/${siteId}/stats`, { cookie })
  expect(stats.status, stats.text).toBe(200)
  const { top, kpis } = stats.json()
  expect(kpis.visits).toBe(11)
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name)
  expect([...top.languages].sort(byName)).toEqual([
    { name: 'de', value: 1 },
    { name: 'en', value: 1 },
    { name: 'fr', value: 1 },
    { name: 'pt', value: 3 },
    { name: 'zh', value: 1 },
  ])
  expect(top.languages[0]).toEqual({ name: 'pt', value: 3 })
})

test('a language that is no language tag is refused (invalid_field naming it); 35 characters pass', async () => {
  expectRefused(await beacon('/ingest', { url: 'https://lang.example/', language: 'en US; drop table' }), 'language')
  expectRefused(await beacon('/ingest', { url: 'https://lang.example/', language: 5 }), 'language')
  expectRefused(await beacon('/ingest', { url: 'https://lang.example/', language: 'a'.repeat(36) }), 'language')
  expect((await beacon('/ingest', { url: 'https://lang.example/', language: 'a'.repeat(35) })).status).toBe(202)
  expectRefused(
    await call(api.url, 'POST', '/api/ingest/server/pageview', { token }, serverItem({ language: 'en/US' })),
    'language',
  )
  expectRefused(await beacon('/ingest', { path: '/hk', lang: 'en US' }), 'lang')
})
