/**
 * Custom-event analytics on drained data: the events list, property keys, property values with
 * visitors, and event timeseries (with a property filter) — real workers, real LMDB.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { EventKind } from '../src/ingest/payload.js'
import { openStore, type Store } from '../src/store/open.js'
import { createSite, type SiteRecord } from '../src/store/sites.js'
import {
  eventPropertyKeys,
  eventPropertyKeysResponseSchema,
  eventPropertyValues,
  eventPropertyValuesResponseSchema,
  eventsList,
  eventsListResponseSchema,
  eventTimeseries,
  eventTimeseriesResponseSchema,
} from '../src/query/index.js'
import { tempDataDir } from './helpers/server.js'
import { drainEvents, openFresh, type TestEvent } from './helpers/drain.js'

const dir = tempDataDir()
let store: Store
let site: SiteRecord
const NOW = Date.parse('2026-06-20T12:00:00Z')
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'

function ev(
  iso: string,
  visitor: number,
  name: string,
  props: Record<string, string | number | boolean> = {},
): TestEvent {
  return {
    ts: Date.parse(iso),
    siteNum: site.num,
    kind: EventKind.Custom,
    body: { name, url: 'https://events.example/', props },
    ip: new Uint8Array([198, 18, 0, visitor]),
    userAgent: UA,
  }
}

beforeAll(async () => {
  const setup = openStore({ path: dir.path })
  site = createSite(setup, 'events.example')
  await setup.close()
  await drainEvents(
    dir.path,
    [
      ev('2026-06-10T09:00:00Z', 1, 'signup', { plan: 'pro', coupon: 'x' }),
      ev('2026-06-10T09:30:00Z', 1, 'signup', { plan: 'pro' }),
      ev('2026-06-10T10:00:00Z', 2, 'signup', { plan: 'pro' }),
      ev('2026-06-10T11:00:00Z', 3, 'signup', { plan: 'free' }),
      ev('2026-06-10T11:10:00Z', 3, 'purchase', { plan: 'pro', amount: 49 }),
      { ...ev('2026-06-10T12:00:00Z', 4, ''), kind: EventKind.Pageview, body: { url: 'https://events.example/' } },
      ev('2026-06-11T09:00:00Z', 1, 'signup', { plan: 'free' }),
      ev('2026-06-11T10:00:00Z', 5, 'download', { file: 'a.pdf', ok: true }),
    ],
    2,
  )
  store = openFresh(dir.path)
})
afterAll(async () => {
  await store?.close()
  dir.remove()
})

const june10 = { from: '2026-06-10', to: '2026-06-10' }
const both = { from: '2026-06-10', to: '2026-06-11' }

test('events list: names by total, then name, with unique visitors; limit', () => {
  expect(eventsList(store, site, june10, NOW)).toEqual([
    { name: 'signup', total: 4, visitors: 3 },
    { name: 'purchase', total: 1, visitors: 1 },
  ])
  const two = eventsListResponseSchema.parse(eventsList(store, site, both, NOW))
  expect(two.map((e) => [e.name, e.total])).toEqual([
    ['signup', 5],
    ['download', 1],
    ['purchase', 1],
  ])
  expect(eventsList(store, site, { ...both, limit: '1' }, NOW)).toHaveLength(1)
  // Event names are kept per quarter-hour as well: any instant range is exact.
  expect(eventsList(store, site, { from: '2026-06-10T09:15:00Z', to: '2026-06-10T11:00:00Z' }, NOW)).toEqual([
    { name: 'signup', total: 2, visitors: 2 },
  ])
})

test('property keys of one event, by the number of events carrying them', () => {
  expect(eventPropertyKeysResponseSchema.parse(eventPropertyKeys(store, site, 'signup', june10, NOW))).toEqual([
    { key: 'plan', total: 4 },
    { key: 'coupon', total: 1 },
  ])
  expect(eventPropertyKeys(store, site, 'purchase', june10, NOW)).toEqual([
    { key: 'amount', total: 1 },
    { key: 'plan', total: 1 },
  ])
  expect(eventPropertyKeys(store, site, 'nope', june10, NOW)).toEqual([])
})

test('property values with totals and unique visitors; numbers and booleans as text', () => {
  expect(
    eventPropertyValuesResponseSchema.parse(eventPropertyValues(store, site, 'signup', 'plan', june10, NOW)),
  ).toEqual([
    { value: 'pro', total: 3, visitors: 2 },
    { value: 'free', total: 1, visitors: 1 },
  ])
  expect(eventPropertyValues(store, site, 'signup', 'plan', both, NOW)).toEqual([
    { value: 'pro', total: 3, visitors: 2 },
    { value: 'free', total: 2, visitors: 2 },
  ])
  expect(eventPropertyValues(store, site, 'purchase', 'amount', june10, NOW)).toEqual([
    { value: '49', total: 1, visitors: 1 },
  ])
  expect(eventPropertyValues(store, site, 'download', 'ok', both, NOW)).toEqual([
    { value: 'true', total: 1, visitors: 1 },
  ])
  expect(eventPropertyValues(store, site, 'signup', 'plan', { ...both, limit: '1' }, NOW)).toHaveLength(1)
})

test('event timeseries: totals and visitors per bucket, zeros included', () => {
  expect(
    eventTimeseriesResponseSchema.parse(
      eventTimeseries(store, site, 'signup', { from: '2026-06-09', to: '2026-06-11' }, NOW),
    ),
  ).toEqual([
    { time: '2026-06-09T00:00:00Z', total: 0, visitors: 0 },
    { time: '2026-06-10T00:00:00Z', total: 4, visitors: 3 },
    { time: '2026-06-11T00:00:00Z', total: 1, visitors: 1 },
  ])
  const hourly = eventTimeseries(store, site, 'signup', june10, NOW)
  expect(hourly).toHaveLength(24)
  expect(hourly[9]).toEqual({ time: '2026-06-10T09:00:00Z', total: 2, visitors: 1 })
  expect(eventTimeseries(store, site, 'nope', june10, NOW).every((p) => p.total === 0 && p.visitors === 0)).toBe(true)
})

test('event timeseries filtered by a property value', () => {
  expect(
    eventTimeseries(store, site, 'signup', { ...both, filter: 'prop:plan=pro' }, NOW).map((p) => [p.total, p.visitors]),
  ).toEqual([
    [3, 2],
    [0, 0],
  ])
  expect(
    eventTimeseries(store, site, 'signup', { ...both, filter: 'prop:plan=free' }, NOW).map((p) => [
      p.total,
      p.visitors,
    ]),
  ).toEqual([
    [1, 1],
    [1, 1],
  ])
  expect(
    eventTimeseries(store, site, 'signup', { ...both, filter: 'prop:plan=enterprise' }, NOW).map((p) => p.total),
  ).toEqual([0, 0])
})
