/**
 * Goals read from the rollups every event name and path has: event and path goals (wildcards too),
 * conversions (unique visitors), completions and rate on known data, all goals together (a visitor
 * counted once however many goals they completed), a goal created after its events,
 * and the goal timeseries with its zero buckets — events drained through the real workers into LMDB.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { EventKind } from '../src/ingest/payload.js'
import { openStore, type Store } from '../src/store/open.js'
import { createSite, type SiteRecord } from '../src/store/sites.js'
import type { Goal } from '../src/goals/goal.js'
import { goalsTimeseries, siteStats } from '../src/query/index.js'
import { tempDataDir } from './helpers/server.js'
import { drainEvents, openFresh, type TestEvent } from './helpers/drain.js'

const dir = tempDataDir()
let store: Store
let site: SiteRecord
const NOW = Date.parse('2026-06-20T12:00:00Z')
const UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'

const at = (iso: string) => Date.parse(iso)
const ip = (n: number) => new Uint8Array([198, 51, 100, n])
const pv = (ts: string, visitor: number, path = '/'): TestEvent => ({
  ts: at(ts),
  siteNum: site.num,
  kind: EventKind.Pageview,
  body: { url: `https://goals.example${path}` },
  ip: ip(visitor),
  userAgent: UA,
})
const ev = (ts: string, visitor: number, name: string): TestEvent => ({
  ts: at(ts),
  siteNum: site.num,
  kind: EventKind.Custom,
  body: { name, url: 'https://goals.example/', props: {} },
  ip: ip(visitor),
  userAgent: UA,
})

let seq = 0
const goal = (type: Goal['type'], value: string, name = value): Goal => ({
  id: `g${++seq}`,
  site_id: site.id,
  name,
  type,
  value,
  created_at: new Date().toISOString(),
})

// June 10: four visitors view "/", visitor 1 signs up twice; visitors 2 and 3 read the blog (2 twice).
const june10 = () => [
  pv('2026-06-10T09:00:00Z', 1),
  pv('2026-06-10T09:01:00Z', 2),
  pv('2026-06-10T09:02:00Z', 3),
  pv('2026-06-10T09:03:00Z', 4),
  ev('2026-06-10T09:05:00Z', 1, 'signup'),
  ev('2026-06-10T09:06:00Z', 1, 'signup'),
  pv('2026-06-10T09:10:00Z', 2, '/blog/a'),
  pv('2026-06-10T09:11:00Z', 2, '/blog/a'),
  pv('2026-06-10T09:12:00Z', 3, '/blog/b'),
  pv('2026-06-10T09:13:00Z', 4, '/blogroll'), // does not match /blog/*
]

beforeAll(async () => {
  const setup = openStore({ path: dir.path })
  site = createSite(setup, 'goals.example')
  await setup.close()
  await drainEvents(dir.path, june10(), 2)
  store = openFresh(dir.path)
})
afterAll(async () => {
  await store?.close()
  dir.remove()
})

const june10Stats = (goals: Goal[]) => siteStats(store, site, goals, { from: '2026-06-10', to: '2026-06-10' }, NOW)

test.each([
  ['four visitors, one converts twice', 'event', 'signup', { conversions: 1, completions: 2, conversion_rate: 25 }],
  ['an exact path', 'path', '/blog/a', { conversions: 1, completions: 2, conversion_rate: 25 }],
  ['a wildcard path', 'path', '/blog/*', { conversions: 2, completions: 3, conversion_rate: 50 }],
  ['a wildcard over every page', 'path', '*', { conversions: 4, completions: 8, conversion_rate: 100 }],
  ['an event name differing in case', 'event', 'Signup', { conversions: 0, completions: 0, conversion_rate: 0 }],
  ['a path never seen', 'path', '/thanks', { conversions: 0, completions: 0, conversion_rate: 0 }],
] as const)('%s', (_what, type, value, expected) => {
  const g = goal(type, value)
  const stats = june10Stats([g])
  expect(stats.kpis.visitors).toBe(4)
  expect(stats.goals).toEqual([{ goal_id: g.id, name: value, ...expected }])
})

test('goals keep the order given and other days do not count', () => {
  const goals = [goal('path', '/blog/*', 'Blog'), goal('event', 'signup', 'Signup')]
  expect(june10Stats(goals).goals!.map((g) => g.name)).toEqual(['Blog', 'Signup'])
  const other = siteStats(store, site, goals, { from: '2026-06-11', to: '2026-06-12' }, NOW)
  expect(other.goals!.map((g) => [g.conversions, g.completions, g.conversion_rate])).toEqual([
    [0, 0, 0],
    [0, 0, 0],
  ])
})

test('all goals together: a visitor who completed several goals counts once, completions are summed', () => {
  // Visitor 1 signs up; visitor 2 reads /blog/a, so completes both blog goals; visitor 3 reads /blog/b.
  const goals = [goal('event', 'signup'), goal('path', '/blog/*'), goal('path', '/blog/a')]
  const stats = june10Stats(goals)
  expect(stats.goals!.map((g) => g.conversions)).toEqual([1, 2, 1]) // summed: 4, one visitor twice
  expect(stats.any_goal).toEqual({ conversions: 3, completions: 7, conversion_rate: 75 })
  // The same figure as the goal timeseries over the whole day.
  const [day] = goalsTimeseries(store, site, goals, { from: '2026-06-10', to: '2026-06-10', interval: 'day' }, NOW)
  expect(day).toMatchObject({ conversions: 3, completions: 7 })
  expect(june10Stats([]).any_goal).toEqual({ conversions: 0, completions: 0, conversion_rate: 0 })
  expect(
    siteStats(store, site, goals, { from: '2026-06-10', to: '2026-06-10', filter: 'path:/' }, NOW).any_goal,
  ).toBeNull()
})

test('a goal created after its events counts them, and keeps counting new ones', async () => {
  const g = goal('event', 'purchase') // created now: after the events below were sent
  await drainEvents(
    dir.path,
    [
      ev('2026-06-12T10:00:00Z', 7, 'purchase'),
      ev('2026-06-12T10:30:00Z', 8, 'purchase'),
      pv('2026-06-12T10:31:00Z', 9),
    ],
    1,
  )
  store.env.resetReadTxn()
  const stats = siteStats(store, site, [g], { from: '2026-06-12', to: '2026-06-12' }, NOW)
  expect(stats.goals![0]).toMatchObject({ conversions: 2, completions: 2, conversion_rate: 66.67 })
  await drainEvents(dir.path, [ev('2026-06-12T11:00:00Z', 9, 'purchase')], 1)
  store.env.resetReadTxn()
  const again = siteStats(store, site, [g], { from: '2026-06-12', to: '2026-06-12' }, NOW)
  expect(again.goals![0]).toMatchObject({ conversions: 3, completions: 3, conversion_rate: 100 })
})

test('goal timeseries: one point per bucket, zeros included', () => {
  const series = goalsTimeseries(store, site, [goal('event', 'signup')], { from: '2026-06-09', to: '2026-06-11' }, NOW)
  expect(series).toEqual([
    { time: '2026-06-09T00:00:00Z', conversions: 0, completions: 0 },
    { time: '2026-06-10T00:00:00Z', conversions: 1, completions: 2 },
    { time: '2026-06-11T00:00:00Z', conversions: 0, completions: 0 },
  ])
  const hourly = goalsTimeseries(store, site, [goal('path', '/blog/*')], { from: '2026-06-10', to: '2026-06-10' }, NOW)
  expect(hourly).toHaveLength(24)
  expect(hourly[9]).toEqual({ time: '2026-06-10T09:00:00Z', conversions: 2, completions: 3 })
  expect(hourly.filter((p) => p.completions === 0)).toHaveLength(23)
})

test('goal timeseries over several goals: visitors counted once, completions summed; no goals → zeros', () => {
  const goals = [goal('event', 'signup'), goal('path', '/')]
  const [point] = goalsTimeseries(store, site, goals, { from: '2026-06-10T09:00:00Z', to: '2026-06-10T09:15:00Z' }, NOW)
  expect(point).toEqual({ time: '2026-06-10T09:00:00Z', conversions: 4, completions: 6 })
  expect(goalsTimeseries(store, site, [], { from: '2026-06-10', to: '2026-06-11' }, NOW)).toEqual([
    { time: '2026-06-10T00:00:00Z', conversions: 0, completions: 0 },
    { time: '2026-06-11T00:00:00Z', conversions: 0, completions: 0 },
  ])
})
