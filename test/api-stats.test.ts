/**
 * The read routes over real HTTP answer exactly what the query layer (src/query) computes from the
 * same store, for data sent through ingest: four visitors, one of whom signs up twice → the goal has
 * conversions 1, completions 2, conversion rate 25. The query layer's refusals are 400s with its codes.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { send } from './helpers/http.js'
import { waitFor } from './helpers/server.js'
import { storedEventCount, withStore } from './helpers/store.js'
import {
  call,
  createGoal,
  createSite,
  expectError,
  GENEROUS,
  initialUser,
  startApiServer,
  type ApiServer,
} from './helpers/api.js'
import {
  eventPropertyKeys,
  eventPropertyValues,
  eventsList,
  eventTimeseries,
  goalsTimeseries,
  siteStats,
} from '../src/query/index.js'
import { listGoals } from '../src/goals/store.js'
import { getSite } from '../src/store/sites.js'

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'
let api: ApiServer
let cookie: string
let site: string
let signupGoal: string
let pricingGoal: string

beforeAll(async () => {
  api = await startApiServer([...GENEROUS, '-trusted-proxies', '127.0.0.1/32'])
  cookie = await initialUser(api.url)
  site = (await createSite(api.url, cookie, 'stats.example')).id
  const post = (path: string, ip: string, body: object) =>
    send(`${api.url}${path}`, {
      body: JSON.stringify({ site_id: site, ...body }),
      headers: { 'Content-Type': 'application/json', 'User-Agent': UA, 'X-Forwarded-For': ip },
    })
  for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']) {
    expect((await post('/ingest', ip, { url: 'https://stats.example/' })).status).toBe(202)
  }
  await post('/ingest', '192.0.2.1', { url: 'https://stats.example/pricing' })
  await post('/ingest/event', '192.0.2.1', {
    name: 'signup',
    url: 'https://stats.example/pricing',
    props: { plan: 'pro' },
  })
  await post('/ingest/event', '192.0.2.1', {
    name: 'signup',
    url: 'https://stats.example/pricing',
    props: { plan: 'team' },
  })
  await waitFor(() => storedEventCount(api.dataPath) === 7, 3000, 'seven events stored')
  // Goals created after their events: they count them all the same.
  signupGoal = (await createGoal(api.url, cookie, site, { name: 'Signup', type: 'event', value: 'signup' })).id
  pricingGoal = (await createGoal(api.url, cookie, site, { name: 'Pricing', type: 'path', value: '/pric*' })).id
})
afterAll(async () => {
  await api?.stop()
})

const get = async (path: string) => {
  const a = await call(api.url, 'GET', `/api/sites/${site}${path}`, { cookie })
  expect(a.status, a.text).toBe(200)
  return a.json()
}

/** The query layer's own answer from the same LMDB, read in this process. */
const direct = <T>(fn: (store: any, s: any, goals: any[]) => T): T =>
  withStore(api.dataPath, (store) =>
    JSON.parse(JSON.stringify(fn(store, getSite(store, site)!, listGoals(store, site)))),
  )

test('four visitors, one converting twice: conversions 1, completions 2, rate 25', async () => {
  const stats = await get('/stats')
  expect(stats.kpis).toMatchObject({ visitors: 4, pageviews: 5 })
  expect(stats.goals).toEqual([
    { goal_id: pricingGoal, name: 'Pricing', conversions: 1, completions: 1, conversion_rate: 25 },
    { goal_id: signupGoal, name: 'Signup', conversions: 1, completions: 2, conversion_rate: 25 },
  ])
  expect(stats.events).toEqual([{ name: 'signup', total: 2, visitors: 1 }])
})

test('every read route answers what the query layer computes', async () => {
  const now = Date.now()
  expect(await get('/stats?interval=day')).toEqual(direct((st, s, g) => siteStats(st, s, g, { interval: 'day' }, now)))
  expect(await get(`/goals/timeseries?goal_id=${signupGoal}`)).toEqual(
    direct((st, s, g) =>
      goalsTimeseries(
        st,
        s,
        g.filter((x) => x.id === signupGoal),
        {},
        now,
      ),
    ),
  )
  expect(await get('/goals/timeseries')).toEqual(direct((st, s, g) => goalsTimeseries(st, s, g, {}, now)))
  expect(await get('/events')).toEqual(direct((st, s) => eventsList(st, s, {}, now)))
  expect(await get('/events/signup/properties')).toEqual(direct((st, s) => eventPropertyKeys(st, s, 'signup', {}, now)))
  expect(await get('/events/signup/properties/plan')).toEqual(
    direct((st, s) => eventPropertyValues(st, s, 'signup', 'plan', {}, now)),
  )
  expect(await get('/events/signup/timeseries?interval=day')).toEqual(
    direct((st, s) => eventTimeseries(st, s, 'signup', { interval: 'day' }, now)),
  )
  expect((await get('/events/signup/properties/plan')).map((v: any) => [v.value, v.total])).toEqual([
    ['pro', 1],
    ['team', 1],
  ])
  const series = await get('/goals/timeseries')
  expect(series.reduce((n: number, p: any) => n + p.completions, 0)).toBe(3)
  expect(series.some((p: any) => p.completions === 0)).toBe(true) // zero buckets are there
})

test('an event name with spaces and slashes travels percent-encoded in the path', async () => {
  expect(await get(`/events/${encodeURIComponent('a/b c')}/timeseries`)).toEqual(
    direct((st, s) => eventTimeseries(st, s, 'a/b c', {}, Date.now())),
  )
})

test('the query layer refuses with 400 and its own code; an unknown goal_id is 404', async () => {
  const bad = await call(api.url, 'GET', `/api/sites/${site}/stats?from=yesterday`, { cookie })
  expectError(bad, 400)
  expect(bad.json()).toMatchObject({ code: 'invalid_parameter', field: 'from' })
  expectError(await call(api.url, 'GET', `/api/sites/${site}/stats?interval=fortnight`, { cookie }), 400)
  expectError(
    await call(api.url, 'GET', `/api/sites/${site}/stats?from=2026-03-02&to=2026-03-01`, { cookie }),
    400,
    'invalid_range',
  )
  expectError(
    await call(api.url, 'GET', `/api/sites/${site}/goals/timeseries?goal_id=nope`, { cookie }),
    404,
    'unknown_goal',
  )
})

test('realtime counts the visitors of the last 5 minutes', async () => {
  expect(await get('/realtime')).toEqual({ visitors: 4 })
})
