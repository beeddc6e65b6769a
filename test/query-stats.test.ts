/**
 * `/stats` on drained data: KPIs, top lists (ordering, ties, limit), events, date vs instant ranges,
 * the default range, compare=previous and the path filter — real workers, real LMDB.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { EventKind } from '../src/ingest/payload.js'
import { openStore, type Store } from '../src/store/open.js'
import { createSite, type SiteRecord } from '../src/store/sites.js'
import { siteStats, statsResponseSchema, type StatsQuery } from '../src/query/index.js'
import { tempDataDir } from './helpers/server.js'
import { drainEvents, openFresh, type TestEvent } from './helpers/drain.js'

const dir = tempDataDir()
let store: Store
let site: SiteRecord
const NOW = Date.parse('2026-06-20T12:00:00Z')
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 ' +
  'Mobile/15E148 Safari/604.1'

function pv(iso: string, visitor: number, path: string, extra: { referrer?: string; ua?: string } = {}): TestEvent {
  return {
    ts: Date.parse(iso),
    siteNum: site.num,
    kind: EventKind.Pageview,
    body: { url: `https://stats.example${path}`, referrer: extra.referrer ?? '' },
    ip: new Uint8Array([192, 0, 2, visitor]),
    userAgent: extra.ua ?? CHROME,
  }
}

beforeAll(async () => {
  const setup = openStore({ path: dir.path })
  site = createSite(setup, 'stats.example')
  await setup.close()
  await drainEvents(
    dir.path,
    [
      pv('2026-05-21T23:45:00Z', 9, '/old'), // the day before the default range
      pv('2026-05-22T00:00:00Z', 9, '/old'), // the first day of the default range
      pv('2026-06-09T15:00:00Z', 5, '/a'), // the day before June 10: compare=previous
      // June 10: visitor 1 reads /a /b /a over 10 minutes and signs up; 2 bounces on /a from a referrer;
      // 3 arrives from a newsletter on /c and goes on to /b; 4 bounces on /d from an iPhone.
      pv('2026-06-10T09:00:00Z', 1, '/a'),
      pv('2026-06-10T09:05:00Z', 1, '/b'),
      {
        ...pv('2026-06-10T09:06:00Z', 1, '/b'),
        kind: EventKind.Custom,
        body: { name: 'signup', url: 'https://stats.example/b', props: {} },
      },
      pv('2026-06-10T09:10:00Z', 1, '/a'),
      pv('2026-06-10T10:00:00Z', 2, '/a', { referrer: 'https://news.ycombinator.com/item?id=1' }),
      pv('2026-06-10T11:00:00Z', 3, '/c?utm_source=newsletter&utm_medium=email&utm_campaign=june'),
      pv('2026-06-10T11:05:00Z', 3, '/b'),
      pv('2026-06-10T12:00:00Z', 4, '/d', { ua: IPHONE }),
    ],
    2,
  )
  store = openFresh(dir.path)
})
afterAll(async () => {
  await store?.close()
  dir.remove()
})

const stats = (query: StatsQuery) => statsResponseSchema.parse(siteStats(store, site, [], query, NOW))
const june10 = { from: '2026-06-10', to: '2026-06-10' }

test('KPIs of a day: visitors, visits, pageviews, views per visit, bounce rate, average duration', () => {
  expect(stats(june10).kpis).toEqual({
    visitors: 4,
    visits: 4,
    pageviews: 7,
    views_per_visit: 1.75,
    bounce_rate: 50,
    visit_duration: 225,
  })
})

test('top lists: by value descending, then name; pages carry their visitors', () => {
  const s = stats(june10)
  expect(s.top.pages).toEqual([
    { name: '/a', value: 3, visitors: 2 },
    { name: '/b', value: 2, visitors: 2 },
    { name: '/c', value: 1, visitors: 1 },
    { name: '/d', value: 1, visitors: 1 },
  ])
  expect(s.top.entry_pages).toEqual([
    { name: '/a', value: 2 },
    { name: '/c', value: 1 },
    { name: '/d', value: 1 },
  ])
  expect(s.top.exit_pages).toEqual([
    { name: '/a', value: 2 },
    { name: '/b', value: 1 },
    { name: '/d', value: 1 },
  ])
  expect(s.top.sources![0]).toEqual({ name: 'Direct / None', value: 2 }) // utm_source=newsletter is a source too
  expect(s.top.sources!.map((e) => e.name)).toContain('newsletter')
  expect(s.top.utm_source).toEqual([{ name: 'newsletter', value: 1 }])
  expect(s.top.utm_medium).toEqual([{ name: 'email', value: 1 }])
  expect(s.top.utm_campaign).toEqual([{ name: 'june', value: 1 }])
  for (const list of [s.top.sources, s.top.browsers, s.top.os, s.top.devices]) {
    expect(list!.reduce((n, e) => n + e.value, 0)).toBe(4) // every visit has exactly one
    const sorted = [...list!].sort((x, y) => y.value - x.value || (x.name < y.name ? -1 : 1))
    expect(list).toEqual(sorted)
  }
  expect(s.events).toEqual([{ name: 'signup', total: 1, visitors: 1 }])
  expect(s.unavailable).toEqual([])
})

test('limit cuts every list, ties broken by name', () => {
  const s = stats({ ...june10, limit: '3' })
  expect(s.top.pages.map((p) => p.name)).toEqual(['/a', '/b', '/c'])
  const one = stats({ ...june10, limit: '1' })
  for (const list of Object.values(one.top)) expect(list!.length).toBeLessThanOrEqual(1)
  expect(one.top.exit_pages).toEqual([{ name: '/a', value: 2 }])
})

test('instants: from inclusive, to exclusive, exact to the quarter-hour', () => {
  const s = stats({ from: '2026-06-10T09:00:00Z', to: '2026-06-10T11:00:00Z' })
  expect(s.kpis).toMatchObject({ pageviews: 4, visitors: 2, visits: 2 })
  expect(s.timeseries).toEqual([
    { time: '2026-06-10T09:00:00Z', visitors: 1, pageviews: 3 },
    { time: '2026-06-10T10:00:00Z', visitors: 1, pageviews: 1 },
  ])
  expect(s.top.pages.map((p) => [p.name, p.value])).toEqual([
    ['/a', 3],
    ['/b', 1],
  ])
  expect(s.events).toEqual([{ name: 'signup', total: 1, visitors: 1 }])
  // Session lists are kept per site day: cut inside a day they are withheld, and say so.
  expect(s.top.entry_pages).toBeNull()
  expect(s.unavailable.every((u) => u.code === 'partial_day')).toBe(true)
  // The ten session lists: entry and exit pages, sources, three UTM tags, browsers, OS, devices, languages.
  expect(s.unavailable).toHaveLength(10)
})

test('dates include the whole last day; an instant range on midnights equals the date range', () => {
  const byDates = stats({ from: '2026-06-09', to: '2026-06-10' })
  expect(byDates.kpis.pageviews).toBe(8)
  const byInstants = stats({ from: '2026-06-09T00:00:00Z', to: '2026-06-11T00:00:00+00:00' })
  expect({ ...byInstants, range: null }).toEqual({ ...byDates, range: null })
})

test('the default range is the last 30 days, today included', () => {
  const s = stats({})
  expect(s.range).toMatchObject({ from: '2026-05-22', to: '2026-06-20', interval: 'day' })
  expect(s.timeseries).toHaveLength(30)
  expect(s.timeseries[0]).toEqual({ time: '2026-05-22T00:00:00Z', visitors: 1, pageviews: 1 })
  expect(s.kpis.pageviews).toBe(1 + 1 + 7)
})

test('compare=previous: the KPIs of as many days just before', () => {
  const s = stats({ ...june10, compare: 'previous' })
  expect(s.previous).toEqual({
    range: {
      from: '2026-06-09',
      to: '2026-06-09',
      tz: 'UTC',
      start: '2026-06-09T00:00:00Z',
      end: '2026-06-10T00:00:00Z',
    },
    kpis: { visitors: 1, visits: 1, pageviews: 1, views_per_visit: 1, bounce_rate: 100, visit_duration: 0 },
  })
  expect(stats(june10).previous).toBeUndefined()
})

test('filter=path: pageviews and visitors of that page; what the rollups cannot restrict is null, and listed', () => {
  const s = stats({ ...june10, filter: 'path:/a', compare: 'previous' })
  expect(s.kpis).toEqual({
    visitors: 2,
    visits: null,
    pageviews: 3,
    views_per_visit: null,
    bounce_rate: null,
    visit_duration: null,
  })
  expect(s.timeseries.filter((p) => p.pageviews > 0)).toEqual([
    { time: '2026-06-10T09:00:00Z', visitors: 1, pageviews: 2 },
    { time: '2026-06-10T10:00:00Z', visitors: 1, pageviews: 1 },
  ])
  expect(s.top.pages).toEqual([{ name: '/a', value: 3, visitors: 2 }])
  expect([s.top.sources, s.goals, s.events]).toEqual([null, null, null])
  expect(s.unavailable.map((u) => u.field)).toEqual(
    expect.arrayContaining(['kpis.visits', 'top.entry_pages', 'goals', 'events']),
  )
  expect(s.unavailable.every((u) => u.code === 'not_filterable')).toBe(true)
  expect(s.previous!.kpis).toMatchObject({ visitors: 1, pageviews: 1, visits: null })
  const none = stats({ ...june10, filter: 'page:/nowhere' })
  expect(none.kpis).toMatchObject({ visitors: 0, pageviews: 0 })
  expect(none.top.pages).toEqual([])
})
