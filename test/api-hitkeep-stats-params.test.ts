/**
 * The parameters HitKeep's stats route takes (HitKeep 2.8.1: `from`, `to`, repeatable `filter=type:value`,
 * the older `filter_type` + `filter_value`, `compare_from` + `compare_to`, `goal_id`, `funnel_id`) are read
 * or refused over real HTTP, never silently dropped: a HitKeep client sending them gets what it asked for
 * or a 400 saying why. Its dashboard's instants (`Date.toISOString()`, milliseconds and `Z`) are
 * answered, widened to quarter-hours, in the comparison range too.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { waitFor } from './helpers/server.js'
import { storedEventCount } from './helpers/store.js'
import {
  call,
  createApiClient,
  createSite,
  expectError,
  GENEROUS,
  initialUser,
  startApiServer,
  type ApiServer,
} from './helpers/api.js'

let api: ApiServer
let cookie: string
let site: string
const DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
const t = (hms: string) => `${DAY}T${hms}`

beforeAll(async () => {
  api = await startApiServer(GENEROUS)
  cookie = await initialUser(api.url)
  site = (await createSite(api.url, cookie, 'hk.example')).id
  const { token } = await createApiClient(api.url, cookie, [{ site_id: site, role: 'owner' }])
  const pageview = async (at: string, ip: string, path: string) => {
    const body = {
      url: `https://hk.example${path}`,
      timestamp: at,
      visitor_ip: ip,
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
    }
    expect((await call(api.url, 'POST', '/api/ingest/server/pageview', { token }, body)).status).toBe(202)
  }
  await pageview(t('08:05:00Z'), '198.51.100.9', '/pricing') // the comparison range
  await pageview(t('10:07:00Z'), '198.51.100.1', '/pricing')
  await pageview(t('10:31:00Z'), '198.51.100.2', '/')
  await pageview(t('10:50:00Z'), '198.51.100.3', '/pricing')
  await waitFor(() => storedEventCount(api.dataPath) === 4, 5000, 'four pageviews stored')
})
afterAll(async () => {
  await api?.stop()
})

/** As HitKeep's dashboard asks: instants from Date.toISOString(), URL-encoded. */
const stats = (query: Record<string, string | string[]>) => {
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) for (const x of Array.isArray(v) ? v : [v]) qs.append(k, x)
  return call(api.url, 'GET', `/api/sites/${site}/stats?${qs}`, { cookie })
}
const range = { from: t('10:12:34.567Z'), to: t('10:55:00.001Z') } // covers 10:00–11:00

test('from/to as its dashboard sends them, and filter=path:…, repeatable or not', async () => {
  const all = await stats(range)
  expect(all.status, all.text).toBe(200)
  expect(all.json().range).toMatchObject({ from: t('10:00:00Z'), to: t('11:00:00Z') })
  expect(all.json().kpis.pageviews).toBe(3)
  const pricing = await stats({ ...range, filter: 'path:/pricing' })
  expect(pricing.status, pricing.text).toBe(200)
  expect(pricing.json().kpis).toMatchObject({ pageviews: 2, visitors: 2 })
  expect((await stats({ ...range, filter: ['path:/pricing'] })).json().kpis).toEqual(pricing.json().kpis)
})

test('filter_type + filter_value are filter=type:value; one without the other is refused', async () => {
  const legacy = await stats({ ...range, filter_type: 'path', filter_value: '/pricing' })
  expect(legacy.status, legacy.text).toBe(200)
  expect(legacy.json().kpis).toEqual((await stats({ ...range, filter: 'path:/pricing' })).json().kpis)
  expectError(await stats({ ...range, filter_type: 'country', filter_value: 'DE' }), 400, 'unsupported_filter')
  const half = await stats({ ...range, filter_type: 'path' })
  expectError(half, 400, 'invalid_filter')
  expect(half.json().field).toBe('filter_value')
})

test('compare_from + compare_to give previous for that range, widened like from/to', async () => {
  const a = await stats({ ...range, compare_from: t('08:12:34.567Z'), compare_to: t('08:55:00.001Z') })
  expect(a.status, a.text).toBe(200)
  expect(a.json().previous.range).toMatchObject({ from: t('08:00:00Z'), to: t('09:00:00Z') })
  expect(a.json().previous.kpis.pageviews).toBe(1)
  for (const [query, field] of [
    [{ compare_from: t('08:00:00Z') }, 'compare_to'],
    [{ compare_from: t('08:00:00Z'), compare_to: t('09:00:00Z'), compare: 'previous' }, 'compare'],
    [{ compare_from: 'last week', compare_to: t('09:00:00Z') }, 'compare_from'],
  ] as const) {
    const refused = await stats({ ...range, ...query })
    expectError(refused, 400)
    expect(refused.json().field).toBe(field)
  }
  expectError(await stats({ ...range, compare_from: t('09:00:00Z'), compare_to: t('08:00:00Z') }), 400, 'invalid_range')
})

test('goal_id and funnel_id (HitKeep: stats of converting visitors only) are refused rather than ignored', async () => {
  for (const field of ['goal_id', 'funnel_id']) {
    const a = await stats({ ...range, [field]: '3f1c1c9e-0000-4000-8000-000000000000' })
    expectError(a, 400, 'unsupported_filter')
    expect(a.json().field).toBe(field)
  }
})
