/**
 * Reporting time zones on drained data: DST days in Europe/Berlin (23 and 25 hourly buckets), day
 * boundaries of Asia/Kolkata (+5:30) and Asia/Kathmandu (+5:45), and a `tz` other than the site's
 * answered exactly — a UTC site asked in Asia/Kolkata gives what a Kolkata site gives for the same
 * events — or refused.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { EventKind } from '../src/ingest/payload.js'
import { openStore, type Store } from '../src/store/open.js'
import { createSite, type SiteRecord } from '../src/store/sites.js'
import type { Goal } from '../src/goals/goal.js'
import { eventPropertyKeys, siteStats, type StatsQuery } from '../src/query/index.js'
import { Refusal } from '../src/errors/index.js'
import { tempDataDir } from './helpers/server.js'
import { drainEvents, openFresh, type TestEvent } from './helpers/drain.js'

const dir = tempDataDir()
let store: Store
const sites: Record<'berlin' | 'kolkata' | 'kathmandu' | 'utc', SiteRecord> = {} as never
const NOW = Date.parse('2026-11-01T00:00:00Z')
const UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15'

function hit(site: SiteRecord, ts: number, visitor: number, path: string, name?: string): TestEvent {
  const url = `https://${site.domain}${path}`
  return {
    ts,
    siteNum: site.num,
    ip: new Uint8Array([203, 0, 113, visitor]),
    userAgent: UA,
    ...(name
      ? { kind: EventKind.Custom, body: { name, url, props: { k: String(visitor % 2) } } }
      : { kind: EventKind.Pageview, body: { url } }),
  }
}

/** 120 events over 46 hours around Kolkata's midnights: 17 visitors, 5 paths, 3 event names. */
function mixed(site: SiteRecord): TestEvent[] {
  const base = Date.parse('2026-03-10T12:00:00Z')
  return Array.from({ length: 120 }, (_, i) =>
    hit(
      site,
      base + i * 23 * 60_000 + (i % 7) * 13_000,
      1 + (i % 17),
      `/p${i % 5}`,
      i % 4 === 3 ? `e${i % 3}` : undefined,
    ),
  )
}

beforeAll(async () => {
  const setup = openStore({ path: dir.path })
  sites.berlin = createSite(setup, 'berlin.example', 'Europe/Berlin')
  sites.kolkata = createSite(setup, 'kolkata.example', 'Asia/Kolkata')
  sites.kathmandu = createSite(setup, 'kathmandu.example', 'Asia/Kathmandu')
  sites.utc = createSite(setup, 'utc.example')
  await setup.close()
  const { berlin, kolkata, kathmandu, utc } = sites
  await drainEvents(
    dir.path,
    [
      hit(berlin, Date.parse('2026-03-28T23:30:00Z'), 1, '/'), // 00:30+01:00 on the 29th
      hit(berlin, Date.parse('2026-03-29T01:30:00Z'), 2, '/'), // 03:30+02:00: the third hour of a 23-hour day
      hit(berlin, Date.parse('2026-10-25T00:30:00Z'), 3, '/'), // 02:30+02:00
      hit(berlin, Date.parse('2026-10-25T01:30:00Z'), 4, '/'), // 02:30+01:00: the same wall time an hour later
      ...[kolkata, utc].flatMap((s) => [
        hit(s, Date.parse('2026-03-10T18:29:59Z'), 1, '/late'), // 23:59:59 on the 10th in Kolkata
        hit(s, Date.parse('2026-03-10T18:30:00Z'), 2, '/early'), // 00:00 on the 11th
      ]),
      hit(kathmandu, Date.parse('2026-03-10T18:14:59Z'), 1, '/late'),
      hit(kathmandu, Date.parse('2026-03-10T18:15:00Z'), 2, '/early'),
      ...mixed(kolkata),
      ...mixed(utc),
    ],
    2,
  )
  store = openFresh(dir.path)
})
afterAll(async () => {
  await store?.close()
  dir.remove()
})

const stats = (site: SiteRecord, query: StatsQuery, goals: Goal[] = []) => siteStats(store, site, goals, query, NOW)

test('2026-03-29 in Europe/Berlin: 23 hourly buckets, the 03:00 bucket follows 01:00', () => {
  const s = stats(sites.berlin, { from: '2026-03-29', to: '2026-03-29' })
  expect(s.range.interval).toBe('hour')
  expect(s.timeseries).toHaveLength(23)
  expect(s.timeseries[0]).toEqual({ time: '2026-03-29T00:00:00+01:00', visitors: 1, pageviews: 1 })
  expect(s.timeseries[2]).toEqual({ time: '2026-03-29T03:00:00+02:00', visitors: 1, pageviews: 1 })
  expect(s.kpis).toMatchObject({ visitors: 2, pageviews: 2, visits: 2 })
})

test('2026-10-25 in Europe/Berlin: 25 hourly buckets, 02:00 twice', () => {
  const s = stats(sites.berlin, { from: '2026-10-25', to: '2026-10-25' })
  expect(s.timeseries).toHaveLength(25)
  expect(s.timeseries.slice(2, 4)).toEqual([
    { time: '2026-10-25T02:00:00+02:00', visitors: 1, pageviews: 1 },
    { time: '2026-10-25T02:00:00+01:00', visitors: 1, pageviews: 1 },
  ])
  expect(s.timeseries.reduce((n, p) => n + p.pageviews, 0)).toBe(2)
})

test.each([
  ['kolkata', '+05:30'],
  ['kathmandu', '+05:45'],
] as const)('Asia/%s: a second before and at local midnight land on different days', (name, offset) => {
  const s = stats(sites[name], { from: '2026-03-10', to: '2026-03-11', interval: 'day' })
  const days = s.timeseries.map((p) => [p.time, p.pageviews])
  if (name === 'kathmandu')
    expect(days).toEqual([
      [`2026-03-10T00:00:00${offset}`, 1],
      [`2026-03-11T00:00:00${offset}`, 1],
    ])
  expect(days.map((d) => d[0])).toEqual([`2026-03-10T00:00:00${offset}`, `2026-03-11T00:00:00${offset}`])
  const tenth = stats(sites[name], { from: '2026-03-10', to: '2026-03-10' })
  expect(tenth.top.pages.map((p) => p.name)).toContain('/late')
  expect(tenth.top.pages.map((p) => p.name)).not.toContain('/early')
  const eleventh = stats(sites[name], { from: '2026-03-11', to: '2026-03-11' })
  expect(eleventh.top.pages.map((p) => p.name)).toContain('/early')
  expect(eleventh.top.pages.map((p) => p.name)).not.toContain('/late')
})

const goals = (site: SiteRecord): Goal[] => [
  { id: 'e', site_id: site.id, name: 'e1', type: 'event', value: 'e1', created_at: '' },
  { id: 'p', site_id: site.id, name: 'p*', type: 'path', value: '/p*', created_at: '' },
]

test.each<[string, StatsQuery]>([
  ['three days by the day', { from: '2026-03-10', to: '2026-03-12' }],
  ['three days by the hour', { from: '2026-03-10', to: '2026-03-12', interval: 'hour' }],
  ['one day by the hour', { from: '2026-03-11', to: '2026-03-11' }],
  ['the month by the week', { from: '2026-03-01', to: '2026-03-31', interval: 'week' }],
  ['instants at the zone offset', { from: '2026-03-11T05:45:00+05:30', to: '2026-03-11T20:15:00+05:30' }],
])('tz=Asia/Kolkata on a UTC site answers exactly what a Kolkata site answers: %s', (_what, query) => {
  const own = stats(sites.kolkata, query, goals(sites.kolkata))
  const asked = stats(sites.utc, { ...query, tz: 'Asia/Kolkata' }, goals(sites.utc))
  for (const s of [own, asked]) for (const g of s.goals!) g.goal_id = ''
  expect(asked.range).toEqual(own.range)
  expect(asked.kpis).toEqual(own.kpis)
  expect(asked.timeseries).toEqual(own.timeseries)
  expect(asked.top.pages).toEqual(own.top.pages)
  expect(asked.goals).toEqual(own.goals)
  expect(asked.events).toEqual(own.events)
  expect(asked.kpis.pageviews).toBeGreaterThan(0)
})

test("session lists the store keeps per site day only are null for another zone's days, never approximate", () => {
  const asked = stats(sites.utc, { from: '2026-03-11', to: '2026-03-11', tz: 'Asia/Kolkata' })
  expect(asked.top.sources).toBeNull()
  expect(asked.unavailable.map((u) => [u.field, u.code])).toContainEqual(['top.sources', 'partial_day'])
  const own = stats(sites.kolkata, { from: '2026-03-11', to: '2026-03-11' })
  expect(own.top.sources).not.toBeNull()
  expect(own.unavailable).toEqual([])
  // A zone whose midnights are the site's (UTC and Etc/UTC) reads whole days: everything is there.
  expect(stats(sites.utc, { from: '2026-03-11', to: '2026-03-11', tz: 'Etc/UTC' }).unavailable).toEqual([])
})

test('event properties in another zone are refused; in the site zone they are answered', () => {
  expect(
    eventPropertyKeys(store, sites.kolkata, 'e1', { from: '2026-03-10', to: '2026-03-12' }, NOW).map((k) => k.key),
  ).toEqual(['k'])
  let err: unknown
  try {
    eventPropertyKeys(store, sites.utc, 'e1', { from: '2026-03-10', to: '2026-03-12', tz: 'Asia/Kolkata' }, NOW)
  } catch (e) {
    err = e
  }
  expect(err).toBeInstanceOf(Refusal)
  expect(err).toMatchObject({ code: 'unsupported_range', field: 'tz' })
})
