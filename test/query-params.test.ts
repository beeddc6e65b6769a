/**
 * Query parameters of the read API: every malformed or unanswerable value is a Refusal naming its
 * field (never ignored), the defaults, dates vs instants, and the chart buckets of DST days and
 * half- and quarter-hour zones — on a real (empty) LMDB store.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { z } from 'zod'
import { openStore, type Store } from '../src/store/open.js'
import { createSite, type SiteRecord } from '../src/store/sites.js'
import {
  eventPropertyKeys,
  eventTimeseries,
  eventsList,
  goalsTimeseries,
  siteStats,
  statsQuerySchema,
  statsResponseSchema,
  type StatsQuery,
} from '../src/query/index.js'
import { Refusal } from '../src/errors/index.js'
import { chartPoints } from '../src/query/points.js'
import { resolveWindow } from '../src/query/params.js'
import { tempDataDir } from './helpers/server.js'

const dir = tempDataDir()
let store: Store
let utc: SiteRecord
const NOW = Date.parse('2026-06-15T12:34:56Z')

beforeAll(() => {
  store = openStore({ path: dir.path })
  utc = createSite(store, 'params.example')
})
afterAll(async () => {
  await store.close()
  dir.remove()
})

function refusal(run: () => unknown): { code: string; field?: string; message: string } {
  try {
    run()
  } catch (err) {
    if (err instanceof Refusal) return { code: err.code, field: err.field, message: err.message }
    throw err
  }
  throw new Error('expected a Refusal')
}

test.each<[string, StatsQuery, string, string]>([
  ['a word as from', { from: 'yesterday' }, 'invalid_parameter', 'from'],
  ['a date that does not exist', { to: '2026-02-30' }, 'invalid_parameter', 'to'],
  ['a date with a trailing space', { from: '2026-03-29 ' }, 'invalid_parameter', 'from'],
  ['an instant without offset', { from: '2026-03-29T10:00:00' }, 'invalid_parameter', 'from'],
  ['an epoch number', { to: '1774742400' }, 'invalid_parameter', 'to'],
  ['an instant with a space for its T', { from: '2026-03-01 10:07:00Z' }, 'invalid_parameter', 'from'],
  ['an instant at 24:00', { to: '2026-03-01T24:00:00Z' }, 'invalid_parameter', 'to'],
  ['an instant before 1970', { from: '1969-12-31T23:59:59Z' }, 'invalid_parameter', 'from'],
  [
    'from one millisecond after to',
    { from: '2026-03-01T10:07:00.001Z', to: '2026-03-01T10:07:00Z' },
    'invalid_range',
    'from',
  ],
  [
    'from after to, both in one quarter-hour',
    { from: '2026-03-01T10:08:00Z', to: '2026-03-01T10:07:00Z' },
    'invalid_range',
    'from',
  ],
  [
    'from after to across offsets',
    { from: '2026-03-01T10:08:00+01:00', to: '2026-03-01T09:07:59.999Z' },
    'invalid_range',
    'from',
  ],
  ['from after to', { from: '2026-03-02', to: '2026-03-01' }, 'invalid_range', 'from'],
  [
    'from instant after to instant',
    { from: '2026-03-01T10:15:00Z', to: '2026-03-01T10:00:00Z' },
    'invalid_range',
    'from',
  ],
  ['over ten years', { from: '2010-01-01', to: '2026-01-01' }, 'range_too_large', 'from'],
  ['an unknown interval', { interval: 'year' as never }, 'invalid_parameter', 'interval'],
  ['hours over a year', { from: '2025-01-01', to: '2025-12-31', interval: 'hour' }, 'range_too_large', 'interval'],
  ['an unknown zone', { tz: 'Mars/Olympus_Mons' }, 'invalid_parameter', 'tz'],
  [
    'days of another zone over 120 days',
    { from: '2026-01-01', to: '2026-04-30', tz: 'Asia/Kolkata', interval: 'day' },
    'range_too_large',
    'tz',
  ],
  ['limit 0', { limit: '0' }, 'invalid_parameter', 'limit'],
  ['limit 1001', { limit: '1001' }, 'invalid_parameter', 'limit'],
  ['limit in words', { limit: 'ten' }, 'invalid_parameter', 'limit'],
  ['compare=last', { compare: 'last' as never }, 'invalid_parameter', 'compare'],
  ['from given twice', { from: ['2026-01-01', '2026-01-02'] as never }, 'invalid_parameter', 'from'],
  ['a filter without colon', { filter: 'path' }, 'invalid_filter', 'filter'],
  ['a filter of an unknown type', { filter: 'colour:blue' }, 'invalid_filter', 'filter'],
  ['a filter the rollups cannot apply', { filter: 'country:DE' }, 'unsupported_filter', 'filter'],
  ['a goal filter', { filter: 'goal_id:5' }, 'unsupported_filter', 'filter'],
  ['two filters at once', { filter: ['path:/a', 'path:/b'] }, 'unsupported_filter', 'filter'],
  ['two filters as a comma list', { filter: 'path:/a,page:/b' }, 'unsupported_filter', 'filter'],
])('stats refuses %s', (_what, query, code, field) => {
  expect(refusal(() => siteStats(store, utc, [], query, NOW))).toMatchObject({ code, field })
})

test('the other routes validate the same way, and refuse filters they cannot apply', () => {
  expect(refusal(() => goalsTimeseries(store, utc, [], { filter: 'path:/' }, NOW))).toMatchObject({
    code: 'unsupported_filter',
    field: 'filter',
  })
  expect(refusal(() => eventsList(store, utc, { from: 'last week' }, NOW))).toMatchObject({
    code: 'invalid_parameter',
    field: 'from',
  })
  expect(refusal(() => eventsList(store, utc, { filter: 'prop:a=b' }, NOW))).toMatchObject({
    code: 'unsupported_filter',
  })
  expect(refusal(() => eventTimeseries(store, utc, 'x', { filter: 'prop:novalue' }, NOW))).toMatchObject({
    code: 'invalid_filter',
  })
  // Properties are kept per site day: a range cut inside a day is refused, whichever way it is cut.
  expect(
    refusal(() =>
      eventPropertyKeys(store, utc, 'x', { from: '2026-06-01T10:00:00Z', to: '2026-06-02T00:00:00Z' }, NOW),
    ),
  ).toMatchObject({ code: 'unsupported_range', field: 'from' })
  expect(refusal(() => eventPropertyKeys(store, utc, 'x', { tz: 'Asia/Kolkata' }, NOW))).toMatchObject({
    code: 'unsupported_range',
    field: 'tz',
  })
  expect(refusal(() => eventTimeseries(store, utc, 'x', { filter: 'prop:a=b', interval: 'hour' }, NOW))).toMatchObject({
    code: 'unsupported_range',
    field: 'interval',
  })
})

test('the default range is the last 30 days of the reporting zone, today included', () => {
  const stats = siteStats(store, utc, [], {}, NOW)
  expect(stats.range).toEqual({
    from: '2026-05-17',
    to: '2026-06-15',
    tz: 'UTC',
    interval: 'day',
    start: '2026-05-17T00:00:00Z',
    end: '2026-06-16T00:00:00Z',
  })
  expect(stats.timeseries).toHaveLength(30)
  expect(stats.timeseries.every((p) => p.visitors === 0 && p.pageviews === 0)).toBe(true)
  // "Today" follows the zone: at 12:34Z it is already June 16 in Pacific/Kiritimati (+14).
  expect(siteStats(store, utc, [], { tz: 'Pacific/Kiritimati', interval: 'month' }, NOW).range.to).toBe('2026-06-16')
  expect(statsResponseSchema.parse(stats)).toBeTruthy()
})

test('dates are whole days, both inclusive; instants are exact, to exclusive; both are echoed', () => {
  const berlin = { ...utc, timezone: 'Europe/Berlin' }
  const days = resolveWindow({ from: '2026-03-29', to: '2026-03-30' }, berlin, NOW)
  expect([days.start, days.end]).toEqual([Date.parse('2026-03-28T23:00:00Z'), Date.parse('2026-03-30T22:00:00Z')])
  const inst = resolveWindow({ from: '2026-03-29T10:15:00+02:00', to: '2026-03-29T09:00:00Z' }, berlin, NOW)
  expect([inst.start, inst.end]).toEqual([Date.parse('2026-03-29T08:15:00Z'), Date.parse('2026-03-29T09:00:00Z')])
  const stats = siteStats(store, berlin, [], { from: '2026-03-29T08:15:00Z', to: '2026-03-29T09:00:00Z' }, NOW)
  expect(stats.range).toMatchObject({
    from: '2026-03-29T10:15:00+02:00',
    to: '2026-03-29T11:00:00+02:00',
    interval: 'hour',
  })
  expect(stats.timeseries.map((p) => p.time)).toEqual(['2026-03-29T10:00:00+02:00']) // the cut hour keeps its label
  const previous = siteStats(
    store,
    berlin,
    [],
    { from: '2026-03-29', to: '2026-03-30', compare: 'previous' },
    NOW,
  ).previous
  expect(previous?.range).toMatchObject({ from: '2026-03-27', to: '2026-03-28' })
})

describe('chart buckets follow the zone exactly', () => {
  const hours = (tz: string, day: string) => {
    const w = resolveWindow({ from: day, to: day, tz }, utc, NOW)
    return chartPoints(w, 'hour')
  }
  test('2026-03-29 in Europe/Berlin has 23 hours, 02:00 missing', () => {
    const p = hours('Europe/Berlin', '2026-03-29')
    expect(p).toHaveLength(23)
    expect(p.slice(0, 3).map((x) => x.time)).toEqual([
      '2026-03-29T00:00:00+01:00',
      '2026-03-29T01:00:00+01:00',
      '2026-03-29T03:00:00+02:00',
    ])
  })
  test('2026-10-25 in Europe/Berlin has 25 hours, 02:00 twice', () => {
    const p = hours('Europe/Berlin', '2026-10-25')
    expect(p).toHaveLength(25)
    expect(p.slice(2, 4).map((x) => x.time)).toEqual(['2026-10-25T02:00:00+02:00', '2026-10-25T02:00:00+01:00'])
    expect(p.every((x) => x.end - x.start === 3_600_000)).toBe(true)
  })
  test.each([
    ['Asia/Kolkata', '2026-03-10T18:30:00Z', '2026-03-11T00:00:00+05:30'],
    ['Asia/Kathmandu', '2026-03-10T18:15:00Z', '2026-03-11T00:00:00+05:45'],
    ['America/St_Johns', '2026-01-11T03:30:00Z', '2026-01-11T00:00:00-03:30'],
  ])('%s: a day starts at %s', (tz, startZ, label) => {
    const day = label.slice(0, 10)
    const p = hours(tz, day)
    expect(p).toHaveLength(24)
    expect(p[0]).toMatchObject({ time: label, start: Date.parse(startZ) })
    expect(p[23]!.end).toBe(Date.parse(startZ) + 86_400_000)
  })
  test('a 30-minute DST shift (Australia/Lord_Howe) starts its bucket at the transition', () => {
    const p = hours('Australia/Lord_Howe', '2026-10-04')
    expect(p.map((x) => x.time)).toContain('2026-10-04T02:30:00+11:00')
    expect(p.reduce((n, x) => n + (x.end - x.start), 0)).toBe(23.5 * 3_600_000)
  })
  test('weeks start on Monday, months on the 1st, both at local midnight', () => {
    const w = resolveWindow({ from: '2026-03-04', to: '2026-04-02', tz: 'Europe/Berlin' }, utc, NOW)
    expect(chartPoints(w, 'week').map((x) => x.time)).toEqual([
      '2026-03-02T00:00:00+01:00',
      '2026-03-09T00:00:00+01:00',
      '2026-03-16T00:00:00+01:00',
      '2026-03-23T00:00:00+01:00',
      '2026-03-30T00:00:00+02:00',
    ])
    expect(chartPoints(w, 'month').map((x) => x.time)).toEqual([
      '2026-03-01T00:00:00+01:00',
      '2026-04-01T00:00:00+02:00',
    ])
  })
})

test('the query schemas are plain objects the OpenAPI document can be built from', () => {
  const schema = z.toJSONSchema(statsQuerySchema) as { properties: Record<string, { description?: string }> }
  expect(Object.keys(schema.properties)).toEqual([
    'from',
    'to',
    'tz',
    'interval',
    'filter',
    'limit',
    'compare',
    'filter_type',
    'filter_value',
    'compare_from',
    'compare_to',
    'goal_id',
    'funnel_id',
  ])
  expect(Object.values(schema.properties).every((p) => typeof p.description === 'string')).toBe(true)
  expect(() => z.toJSONSchema(statsResponseSchema)).not.toThrow()
})
