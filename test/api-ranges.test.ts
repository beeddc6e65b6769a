/**
 * Every route that takes a range answers ordinary instants over real HTTP — "the last hour", 10:12 to
 * 11:12, +05:30 offsets, fractions of a second — with 200, covers them by whole 15-minute buckets
 * widened outward, and says which: `range` in the bodies that have one, and `X-Hitring-Range-Start` /
 * `X-Hitring-Range-End` on every answer (most bodies are HitKeep's bare arrays). Events are sent through
 * the server API at chosen timestamps of yesterday; the one at 10:07 counts for `from=10:12`.
 * Query refusals name the field once: `message` is `field: detail`, `fields[0].message` the detail. The
 * OpenAPI document lists the two headers on exactly the routes that take `from`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { waitFor } from './helpers/server.js'
import { storedEventCount } from './helpers/store.js'
import {
  call,
  createApiClient,
  createGoal,
  createSite,
  expectError,
  GENEROUS,
  initialUser,
  startApiServer,
  type ApiServer,
} from './helpers/api.js'
import type { Answer } from './helpers/http.js'

let api: ApiServer
let cookie: string
let site: string
let goal: string
/** Yesterday (UTC): inside the server API's back-fill window, wholly in the past. */
const DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
const NEXT_DAY = new Date(Date.parse(DAY) + 86_400_000).toISOString().slice(0, 10)
const t = (hms: string) => `${DAY}T${hms}`

beforeAll(async () => {
  api = await startApiServer(GENEROUS)
  cookie = await initialUser(api.url)
  site = (await createSite(api.url, cookie, 'ranges.example')).id
  const { token } = await createApiClient(api.url, cookie, [{ site_id: site, role: 'owner' }])
  const send = async (kind: 'pageview' | 'event', at: string, ip: string, extra: object = {}) => {
    const body = {
      url: 'https://ranges.example/',
      timestamp: at,
      visitor_ip: ip,
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
      ...extra,
    }
    const a = await call(api.url, 'POST', `/api/ingest/server/${kind}`, { token }, body)
    expect(a.status, a.text).toBe(202)
  }
  await send('pageview', t('09:59:59.999Z'), '198.51.100.5', { url: 'https://ranges.example/before' })
  await send('pageview', t('10:07:00Z'), '198.51.100.1', { url: 'https://ranges.example/a' })
  await send('event', t('10:20:00Z'), '198.51.100.2', { name: 'signup', props: { plan: 'pro' } })
  await send('pageview', t('11:13:00Z'), '198.51.100.3', { url: 'https://ranges.example/b' })
  await send('pageview', t('11:15:00Z'), '198.51.100.4', { url: 'https://ranges.example/after' })
  await send('pageview', t('10:09:00Z'), '198.51.100.6', { dnt: true }) // a drop, counted at its own time
  await waitFor(() => storedEventCount(api.dataPath) === 5, 5000, 'five events stored')
  goal = (await createGoal(api.url, cookie, site, { name: 'Signup', type: 'event', value: 'signup' })).id
  // The drop is counted by the drain too: wait until the drops answer has it.
  await waitFor(async () => (await get('/drops', { from: DAY, to: DAY })).json().total === 1, 5000, 'the drop counted')
})
afterAll(async () => {
  await api?.stop()
})

function get(path: string, query: Record<string, string> = {}): Promise<Answer> {
  const qs = new URLSearchParams(query).toString()
  return call(api.url, 'GET', `/api/sites/${site}${path}${qs ? `?${qs}` : ''}`, { cookie })
}

/** 200, and the covered range in both headers; the body. */
async function covered(path: string, query: Record<string, string>, start: string, end: string): Promise<any> {
  const a = await get(path, query)
  expect(a.status, `${path} ${a.text}`).toBe(200)
  expect([a.headers['x-hitring-range-start'], a.headers['x-hitring-range-end']], path).toEqual([start, end])
  return a.json()
}

describe('10:12 to 11:12 is answered as 10:00 to 11:15 on every range route', () => {
  const q = { from: t('10:12:00Z'), to: t('11:12:00Z') }
  const [start, end] = [t('10:00:00Z'), t('11:15:00Z')]

  test('stats: the range covered, and the events at 10:07 and 11:13 counted', async () => {
    const s = await covered('/stats', q, start, end)
    expect(s.range).toEqual({ from: start, to: end, tz: 'UTC', interval: 'hour', start, end })
    expect(s.kpis.pageviews).toBe(2)
    expect(s.top.pages.map((p: { name: string }) => p.name).sort()).toEqual(['/a', '/b'])
    expect(s.timeseries.map((p: { time: string }) => p.time)).toEqual([start, t('11:00:00Z')])
    expect(s.goals).toMatchObject([{ goal_id: goal, conversions: 1, completions: 1 }])
  })

  test('goal timeseries, events, event timeseries and drops', async () => {
    expect(await covered('/goals/timeseries', { ...q, goal_id: goal }, start, end)).toEqual([
      { time: start, conversions: 1, completions: 1 },
      { time: t('11:00:00Z'), conversions: 0, completions: 0 },
    ])
    expect(await covered('/events', q, start, end)).toEqual([{ name: 'signup', total: 1, visitors: 1 }])
    expect(await covered('/events/signup/timeseries', q, start, end)).toEqual([
      { time: start, total: 1, visitors: 1 },
      { time: t('11:00:00Z'), total: 0, visitors: 0 },
    ])
    const drops = await covered('/drops', q, start, end)
    expect(drops.range).toMatchObject({ from: start, to: end })
    expect(drops.reasons).toEqual([{ reason: 'dnt', count: 1 }]) // at 10:09
  })

  test('event properties: instants that widen to whole days are answered; a cut day is refused as before', async () => {
    const day = { from: t('00:07:00Z'), to: t('23:59:59.999Z') }
    expect(await covered('/events/signup/properties', day, t('00:00:00Z'), `${NEXT_DAY}T00:00:00Z`)).toEqual([
      { key: 'plan', total: 1 },
    ])
    expect(await covered('/events/signup/properties/plan', day, t('00:00:00Z'), `${NEXT_DAY}T00:00:00Z`)).toEqual([
      { value: 'pro', total: 1, visitors: 1 },
    ])
    expectError(await get('/events/signup/properties', q), 400, 'unsupported_range')
  })

  test('compare=previous: the 75 minutes before', async () => {
    const s = await covered('/stats', { ...q, compare: 'previous' }, start, end)
    expect(s.previous.range).toMatchObject({ from: t('08:45:00Z'), to: start })
    expect(s.previous.kpis.pageviews).toBe(1)
  })
})

test('the last hour and the last 24 hours, as a script asks them', async () => {
  const now = Date.now()
  for (const hours of [1, 24]) {
    const from = new Date(now - hours * 3_600_000)
    const q = { from: from.toISOString(), to: new Date(now).toISOString() }
    const Q = 900_000
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z')
    const s = await covered('/stats', q, iso(Math.floor(from.getTime() / Q) * Q), iso(Math.ceil(now / Q) * Q))
    expect(s.range.interval).toBe('hour')
    expect(s.timeseries.length).toBeGreaterThanOrEqual(hours + 1) // whole hours, plus the cut ones at either end
  }
})

test('offsets and fractions: +05:30 (encoded, or left as a space), milliseconds and beyond', async () => {
  const [start, end] = [t('10:00:00Z'), t('11:15:00Z')]
  const kolkata = { from: t('15:42:30.25+05:30'), to: t('16:42:00+05:30') }
  expect((await covered('/stats', kolkata, start, end)).kpis.pageviews).toBe(2)
  // An unencoded + arrives as a space (application/x-www-form-urlencoded): read as +.
  const raw = await call(
    api.url,
    'GET',
    `/api/sites/${site}/stats?from=${t('15:42:30+05:30')}&to=${t('16:42:00+05:30')}`,
    { cookie },
  )
  expect(raw.status, raw.text).toBe(200)
  expect(raw.json().range).toMatchObject({ from: start, to: end })
  // Asked in the zone of the offset, the answer speaks it.
  const local = await covered('/stats', { ...kolkata, tz: 'Asia/Kolkata' }, t('15:30:00+05:30'), t('16:45:00+05:30'))
  expect(local.range).toMatchObject({ from: t('15:30:00+05:30'), to: t('16:45:00+05:30') })
  // A tenth of a microsecond past 11:15 reaches into the next bucket, which holds /after.
  const pages = (
    await covered('/stats', { from: start, to: t('11:15:00.0000001Z') }, start, t('11:30:00Z'))
  ).top.pages.map((p: { name: string }) => p.name)
  expect(pages.sort()).toEqual(['/a', '/after', '/b'])
})

test('from after to is still refused, as asked', async () => {
  const a = await get('/stats', { from: t('10:08:00Z'), to: t('10:07:00Z') })
  expectError(a, 400, 'invalid_range')
  expect(a.json().field).toBe('from')
  expectError(await get('/goals/timeseries', { from: t('10:08:00Z'), to: t('10:07:00Z') }), 400, 'invalid_range')
  expectError(await get('/events', { from: t('11:00:00.5Z'), to: t('11:00:00Z') }), 400, 'invalid_range')
})

test("a query refusal names its field once: message 'field: detail', fields[0].message the detail", async () => {
  const cases: Array<[string, Record<string, string>, string, string]> = [
    ['/stats', { from: 'yesterday' }, 'invalid_parameter', 'from'],
    ['/stats', { tz: 'Mars/Olympus_Mons' }, 'invalid_parameter', 'tz'],
    ['/stats', { limit: '0' }, 'invalid_parameter', 'limit'],
    ['/stats', { filter: 'country:DE' }, 'unsupported_filter', 'filter'],
    ['/stats', { from: '2026-03-02', to: '2026-03-01' }, 'invalid_range', 'from'],
    ['/drops', { from: '2025-01-01', to: '2025-12-31', interval: 'hour' }, 'range_too_large', 'interval'],
    ['/events/signup/properties', { from: t('10:12:00Z'), to: t('11:12:00Z') }, 'unsupported_range', 'from'],
    ['/events/signup/timeseries', { filter: 'prop:novalue' }, 'invalid_filter', 'filter'],
    ['/stats', { interval: 'fortnight' }, 'invalid_field', 'interval'], // the route's own validation: the same shape
  ]
  for (const [path, query, code, field] of cases) {
    const a = await get(path, query)
    expectError(a, 400, code)
    const body = a.json()
    expect(body.field, path).toBe(field)
    expect(body.fields, path).toHaveLength(1)
    expect(body.fields[0].message.startsWith(`${field}:`), body.fields[0].message).toBe(false)
    expect(body.message).toBe(`${field}: ${body.fields[0].message}`)
  }
})

test('the OpenAPI document lists the two headers on every route that takes a range, and no other', async () => {
  const doc = (await call(api.url, 'GET', '/api/openapi.json')).json()
  const ranged: string[] = []
  for (const [path, ops] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(ops)) {
      const takesRange = (op.parameters ?? []).some(
        (p: { name: string; in: string }) => p.in === 'query' && p.name === 'from',
      )
      const headers = Object.keys(op.responses?.['200']?.headers ?? {})
      expect(headers, `${method} ${path}`).toEqual(takesRange ? ['X-Hitring-Range-Start', 'X-Hitring-Range-End'] : [])
      if (takesRange) ranged.push(`${method.toUpperCase()} ${path}`)
    }
  }
  expect(ranged.sort()).toEqual([
    'GET /api/sites/{id}/drops',
    'GET /api/sites/{id}/events',
    'GET /api/sites/{id}/events/{name}/properties',
    'GET /api/sites/{id}/events/{name}/properties/{key}',
    'GET /api/sites/{id}/events/{name}/timeseries',
    'GET /api/sites/{id}/goals/timeseries',
    'GET /api/sites/{id}/stats',
  ])
})
