/**
 * Any RFC 3339 instant is a range bound: the query layer widens it OUTWARD to whole 15-minute buckets
 * (`from` down, `to` up), counts everything in the buckets covered — an event at 10:07 counts for
 * `from=10:12` — and echoes the range it covered. On drained data in a real LMDB store, through every
 * range function (stats, goal timeseries, events and their sub-answers, drops): offsets (+05:30),
 * fractions of a second down to a tenth of a microsecond, an offset's `+` left unencoded in a URL, `from`
 * after `to` still refused, compare=previous of the covered length, and a DST day in Europe/Berlin asked
 * with instants that widen to its midnights: exactly the 23-hour day.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { EventKind } from '../src/ingest/payload.js'
import type { Store } from '../src/store/open.js'
import { openStore } from '../src/store/open.js'
import { createSite, type SiteRecord } from '../src/store/sites.js'
import type { Goal } from '../src/goals/goal.js'
import {
  answeredRange,
  eventPropertyKeys,
  eventPropertyValues,
  eventsList,
  eventTimeseries,
  goalsTimeseries,
  siteDrops,
  siteStats,
  type StatsQuery,
} from '../src/query/index.js'
import { Refusal } from '../src/errors/index.js'
import { tempDataDir } from './helpers/server.js'
import { drainEvents, openFresh, type TestEvent } from './helpers/drain.js'

const dir = tempDataDir()
let store: Store
let utc: SiteRecord
let berlin: SiteRecord
/** "Now" for the defaults: the asked ranges below are all explicit. */
const NOW = Date.parse('2026-06-02T12:00:00Z')
const UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15'
const at = (iso: string) => Date.parse(iso)

function pageview(site: SiteRecord, iso: string, visitor: number, path = '/'): TestEvent {
  return {
    ts: at(iso),
    siteNum: site.num,
    ip: new Uint8Array([203, 0, 113, visitor]),
    userAgent: UA,
    kind: EventKind.Pageview,
    body: { url: `https://${site.domain}${path}` },
  }
}
function event(site: SiteRecord, iso: string, visitor: number, name: string, props: object): TestEvent {
  return {
    ...pageview(site, iso, visitor),
    kind: EventKind.Custom,
    body: { name, url: `https://${site.domain}/`, props },
  }
}

beforeAll(async () => {
  const setup = openStore({ path: dir.path })
  utc = createSite(setup, 'ranges.example')
  berlin = createSite(setup, 'berlin-ranges.example', 'Europe/Berlin')
  await setup.close()
  await drainEvents(
    dir.path,
    [
      pageview(utc, '2026-06-01T09:59:59.999Z', 5, '/before'), // bucket 09:45–10:00: outside 10:12–11:12 widened
      pageview(utc, '2026-06-01T10:07:00Z', 1, '/a'), // bucket 10:00–10:15: before 10:12, yet counted
      event(utc, '2026-06-01T10:20:00Z', 2, 'signup', { plan: 'pro' }),
      pageview(utc, '2026-06-01T11:13:00Z', 3, '/b'), // bucket 11:00–11:15: after 11:12, yet counted
      pageview(utc, '2026-06-01T11:15:00Z', 4, '/after'), // bucket 11:15–11:30: outside
      pageview(berlin, '2026-03-28T23:02:00Z', 1), // 00:02+01:00 on the 29th
      pageview(berlin, '2026-03-29T01:30:00Z', 2), // 03:30+02:00
      pageview(berlin, '2026-03-29T21:58:00Z', 3), // 23:58+02:00
      pageview(berlin, '2026-03-29T22:00:00Z', 4), // 00:00+02:00 on the 30th: another day
      pageview(berlin, '2026-03-28T22:59:00Z', 5), // 23:59+01:00 on the 28th: another day
    ],
    2,
  )
  store = openFresh(dir.path)
})
afterAll(async () => {
  await store?.close()
  dir.remove()
})

const signup = (site: SiteRecord): Goal[] => [
  { id: 'g', site_id: site.id, name: 'Signup', type: 'event', value: 'signup', created_at: '' },
]
const stats = (site: SiteRecord, q: StatsQuery) => siteStats(store, site, signup(site), q, NOW)
const pages = (q: StatsQuery) =>
  stats(utc, q)
    .top.pages.map((p) => p.name)
    .sort()

describe('an instant range is widened outward to whole quarter-hours, and says so', () => {
  const q = { from: '2026-06-01T10:12:00Z', to: '2026-06-01T11:12:00Z' }

  test('stats: 10:12–11:12 covers 10:00–11:15, with the events at 10:07 and 11:13', () => {
    const s = stats(utc, q)
    expect(s.range).toEqual({
      from: '2026-06-01T10:00:00Z',
      to: '2026-06-01T11:15:00Z',
      tz: 'UTC',
      interval: 'hour',
      start: '2026-06-01T10:00:00Z',
      end: '2026-06-01T11:15:00Z',
    })
    expect(s.kpis.pageviews).toBe(2)
    expect(pages(q)).toEqual(['/a', '/b'])
    expect(s.timeseries).toEqual([
      { time: '2026-06-01T10:00:00Z', visitors: 2, pageviews: 1 },
      { time: '2026-06-01T11:00:00Z', visitors: 1, pageviews: 1 },
    ])
    expect(s.events).toEqual([{ name: 'signup', total: 1, visitors: 1 }])
    expect(s.goals).toMatchObject([{ goal_id: 'g', conversions: 1, completions: 1 }])
  })

  test('the last hour from any instant: the same buckets', () => {
    const now = at('2026-06-01T11:12:34.567Z')
    const lastHour = { from: new Date(now - 3_600_000).toISOString(), to: new Date(now).toISOString() }
    expect(stats(utc, lastHour).range).toEqual(stats(utc, q).range)
    expect(stats(utc, lastHour).kpis).toEqual(stats(utc, q).kpis)
  })

  test('a bound on a boundary stays where it is: 10:15 is not widened to 10:30', () => {
    expect(stats(utc, { from: '2026-06-01T10:15:00Z', to: '2026-06-01T11:15:00Z' }).range).toMatchObject({
      from: '2026-06-01T10:15:00Z',
      to: '2026-06-01T11:15:00Z',
    })
    expect(pages({ from: '2026-06-01T10:15:00Z', to: '2026-06-01T11:15:00Z' })).toEqual(['/b'])
  })

  test('fractions of a second: a tenth of a microsecond past 11:15 covers the bucket of 11:15', () => {
    expect(pages({ from: '2026-06-01T10:00:00Z', to: '2026-06-01T11:15:00.000Z' })).toEqual(['/a', '/b'])
    expect(pages({ from: '2026-06-01T10:00:00Z', to: '2026-06-01T11:15:00.0000001Z' })).toEqual(['/a', '/after', '/b'])
    expect(stats(utc, { from: '2026-06-01T10:00:00.25Z', to: '2026-06-01T11:15:00.0000001Z' }).range).toMatchObject({
      from: '2026-06-01T10:00:00Z',
      to: '2026-06-01T11:30:00Z',
    })
    // 09:59:59.999 is in the bucket before 10:00, whatever the fraction says.
    expect(pages({ from: '2026-06-01T09:59:59.9999999Z', to: '2026-06-01T10:00:00Z' })).toEqual(['/before'])
  })

  test('offsets: +05:30 is the same instant, answered at the zone asked', () => {
    const kolkata = { from: '2026-06-01T15:42:30.25+05:30', to: '2026-06-01T16:42:00+05:30' }
    expect(stats(utc, kolkata).range).toMatchObject({ from: '2026-06-01T10:00:00Z', to: '2026-06-01T11:15:00Z' })
    expect(stats(utc, kolkata).kpis).toEqual(stats(utc, q).kpis)
    expect(stats(utc, { ...kolkata, tz: 'Asia/Kolkata' }).range).toMatchObject({
      from: '2026-06-01T15:30:00+05:30',
      to: '2026-06-01T16:45:00+05:30',
    })
    expect(stats(utc, { from: '2026-06-01T06:12:00-04:00', to: '2026-06-01T07:12:00-04:00' }).range).toMatchObject({
      from: '2026-06-01T10:00:00Z',
    })
  })

  test("an offset's + left unencoded in a URL arrives as a space and is read as +", () => {
    expect(stats(utc, { from: '2026-06-01T15:42:30 05:30', to: '2026-06-01T16:42:00 05:30' }).range).toMatchObject({
      from: '2026-06-01T10:00:00Z',
      to: '2026-06-01T11:15:00Z',
    })
  })

  test('compare=previous: the period of the covered length (75 minutes) just before', () => {
    const s = stats(utc, { ...q, compare: 'previous' })
    expect(s.previous!.range).toMatchObject({ from: '2026-06-01T08:45:00Z', to: '2026-06-01T10:00:00Z' })
    expect(s.previous!.kpis.pageviews).toBe(1) // 09:59:59.999
  })

  test('goal timeseries, events, event timeseries and drops are widened the same way', () => {
    const goalPoints = goalsTimeseries(store, utc, signup(utc), q, NOW)
    expect(goalPoints).toEqual([
      { time: '2026-06-01T10:00:00Z', conversions: 1, completions: 1 },
      { time: '2026-06-01T11:00:00Z', conversions: 0, completions: 0 },
    ])
    expect(eventsList(store, utc, { from: '2026-06-01T10:29:59Z', to: '2026-06-01T10:31:00Z' }, NOW)).toEqual([
      { name: 'signup', total: 1, visitors: 1 },
    ])
    expect(eventsList(store, utc, { from: '2026-06-01T10:30:00Z', to: '2026-06-01T10:31:00Z' }, NOW)).toEqual([])
    expect(
      eventTimeseries(store, utc, 'signup', { from: '2026-06-01T10:29:59Z', to: '2026-06-01T10:31:00Z' }, NOW),
    ).toEqual([{ time: '2026-06-01T10:00:00Z', total: 1, visitors: 1 }])
    const drops = siteDrops(store, utc, q, NOW)
    expect(drops.range).toEqual(stats(utc, q).range)
    expect(drops.timeseries.map((p) => p.time)).toEqual(['2026-06-01T10:00:00Z', '2026-06-01T11:00:00Z'])
    expect(answeredRange(q, utc, NOW)).toEqual({
      from: '2026-06-01T10:00:00Z',
      to: '2026-06-01T11:15:00Z',
      tz: 'UTC',
      start: '2026-06-01T10:00:00Z',
      end: '2026-06-01T11:15:00Z',
    })
  })

  test('event properties: instants that widen to whole site days are answered; a cut day is still refused', () => {
    const day = { from: '2026-06-01T00:07:00Z', to: '2026-06-01T23:59:59.5Z' }
    expect(answeredRange(day, utc, NOW)).toMatchObject({ start: '2026-06-01T00:00:00Z', end: '2026-06-02T00:00:00Z' })
    expect(eventPropertyKeys(store, utc, 'signup', day, NOW)).toEqual([{ key: 'plan', total: 1 }])
    expect(eventPropertyValues(store, utc, 'signup', 'plan', day, NOW)).toEqual([
      { value: 'pro', total: 1, visitors: 1 },
    ])
    expect(() => eventPropertyKeys(store, utc, 'signup', q, NOW)).toThrow(
      expect.objectContaining({ code: 'unsupported_range', field: 'from' }),
    )
  })
})

test('from after to is refused as asked, even when both widen to the same quarter-hour', () => {
  for (const q of [
    { from: '2026-06-01T10:08:00Z', to: '2026-06-01T10:07:00Z' },
    { from: '2026-06-01T10:07:00.001Z', to: '2026-06-01T10:07:00Z' },
    { from: '2026-06-01T15:38:00+05:30', to: '2026-06-01T10:07:00Z' },
  ]) {
    expect(() => stats(utc, q)).toThrow(expect.objectContaining({ code: 'invalid_range', field: 'from' }))
  }
  // Equal bounds inside a quarter-hour: that quarter-hour.
  expect(stats(utc, { from: '2026-06-01T10:07:00Z', to: '2026-06-01T10:07:00Z' }).range).toMatchObject({
    from: '2026-06-01T10:00:00Z',
    to: '2026-06-01T10:15:00Z',
  })
})

describe('a DST day in Europe/Berlin asked with instants stays exact', () => {
  // 00:05+01:00 widens to the day's first instant, 23:50:00.5+02:00 to the next day's.
  const q = { from: '2026-03-29T00:05:00+01:00', to: '2026-03-29T23:50:00.5+02:00' }

  test('the covered range is the 23-hour day: 23 hourly buckets, the day before and after left out', () => {
    const s = stats(berlin, q)
    expect(s.range).toMatchObject({
      from: '2026-03-29T00:00:00+01:00',
      to: '2026-03-30T00:00:00+02:00',
      start: '2026-03-29T00:00:00+01:00',
      end: '2026-03-30T00:00:00+02:00',
    })
    expect(s.timeseries).toHaveLength(23)
    expect(s.timeseries[2]).toEqual({ time: '2026-03-29T03:00:00+02:00', visitors: 1, pageviews: 1 })
    expect(s.kpis).toMatchObject({ pageviews: 3, visits: 3 })
  })

  test('it answers what the date 2026-03-29 answers, session lists included (whole site days)', () => {
    const byInstants = stats(berlin, q)
    const byDate = stats(berlin, { from: '2026-03-29', to: '2026-03-29' })
    expect(byInstants.unavailable).toEqual([])
    expect({ ...byInstants, range: null }).toEqual({ ...byDate, range: null })
  })

  test('compare=previous of instants is as long as the covered range (23 hours), not a calendar day', () => {
    const prev = stats(berlin, { ...q, compare: 'previous' }).previous!
    // 23 hours before 2026-03-29T00:00+01:00 is 01:00 on the 28th; dates compare with the whole 28th.
    expect(prev.range).toMatchObject({ from: '2026-03-28T01:00:00+01:00', to: '2026-03-29T00:00:00+01:00' })
    expect(stats(berlin, { from: '2026-03-29', to: '2026-03-29', compare: 'previous' }).previous!.range).toMatchObject({
      from: '2026-03-28',
      to: '2026-03-28',
    })
  })
})

test("a refusal's detail does not repeat the field's name; its message is field: detail", () => {
  const refusals: Refusal[] = []
  for (const run of [
    () => stats(utc, { from: 'yesterday' }),
    () => stats(utc, { tz: 'Mars/Olympus_Mons' }),
    () => stats(utc, { limit: '0' }),
    () => stats(utc, { filter: 'colour:blue' }),
    () => stats(utc, { filter: 'country:DE' }),
    () => stats(utc, { from: '2026-03-02', to: '2026-03-01' }),
    () => stats(utc, { from: '2025-01-01', to: '2025-12-31', interval: 'hour' }),
    () => stats(utc, { interval: 'year' as never }),
    () => eventPropertyKeys(store, utc, 'signup', { from: '2026-06-01T10:00:00Z' }, NOW),
    () => eventTimeseries(store, utc, 'signup', { filter: 'prop:novalue' }, NOW),
  ]) {
    try {
      run()
    } catch (err) {
      if (err instanceof Refusal) refusals.push(err)
    }
  }
  expect(refusals).toHaveLength(10)
  for (const r of refusals) {
    expect(r.field).toBeTypeOf('string')
    expect(r.detail.startsWith(`${r.field}:`), r.message).toBe(false)
    expect(r.message).toBe(`${r.field}: ${r.detail}`)
  }
})
