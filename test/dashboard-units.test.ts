/**
 * The dashboard's pure parts, in Node: the date-range presets in a site's zone and the previous period
 * (the same rule as the API's compare=previous), the range in the page URL, and how changes and figures read.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { eventSnippetText, HK_STUB } from '../src/dashboard/event-snippet.js'
import { change, fmtDuration, fmtPercent } from '../src/dashboard/format.js'
import {
  coveredRange,
  describeRange,
  describeSpan,
  param,
  previousRange,
  rangeFromSearch,
  rangeSearch,
  resolveRange,
  todayIn,
} from '../src/dashboard/range.js'

// 2026-03-01 00:30 in Berlin is still 2026-02-28 in New York.
const NOW = Date.parse('2026-02-28T23:30:00Z')

describe('ranges', () => {
  test('presets end today in the site’s zone', () => {
    expect(todayIn('Europe/Berlin', NOW)).toBe('2026-03-01')
    expect(todayIn('America/New_York', NOW)).toBe('2026-02-28')
    expect(resolveRange('today', 'Europe/Berlin', NOW)).toEqual({
      preset: 'today',
      from: '2026-03-01',
      to: '2026-03-01',
      interval: 'hour',
    })
    expect(resolveRange('7d', 'America/New_York', NOW)).toMatchObject({
      from: '2026-02-22',
      to: '2026-02-28',
      interval: 'day',
    })
    expect(resolveRange('30d', 'UTC', NOW)).toMatchObject({ from: '2026-01-30', to: '2026-02-28' })
    expect(resolveRange('month', 'Europe/Berlin', NOW)).toMatchObject({ from: '2026-03-01', to: '2026-03-01' })
    expect(resolveRange('12m', 'Europe/Berlin', NOW)).toMatchObject({
      from: '2025-04-01',
      to: '2026-03-01',
      interval: 'month',
    })
    expect(resolveRange('12m', 'UTC', Date.parse('2026-12-05T12:00:00Z'))).toMatchObject({
      from: '2026-01-01',
      to: '2026-12-05',
    })
  })

  test('custom ranges: valid dates in order, else the default', () => {
    expect(resolveRange('custom', 'UTC', NOW, { from: '2026-01-01', to: '2026-01-02' })).toMatchObject({
      from: '2026-01-01',
      to: '2026-01-02',
      interval: 'hour',
    })
    expect(resolveRange('custom', 'UTC', NOW, { from: '2025-01-01', to: '2026-01-01' })).toMatchObject({
      interval: 'month',
    })
    expect(resolveRange('custom', 'UTC', NOW, { from: '2026-02-30', to: '2026-03-01' }).preset).toBe('30d')
    expect(resolveRange('custom', 'UTC', NOW, { from: '2026-03-02', to: '2026-03-01' }).preset).toBe('30d')
  })

  test('the previous period: as many days, just before (leap years and month ends included)', () => {
    expect(previousRange(resolveRange('7d', 'UTC', NOW))).toMatchObject({ from: '2026-02-15', to: '2026-02-21' })
    expect(previousRange(resolveRange('today', 'UTC', Date.parse('2024-03-01T10:00:00Z')))).toMatchObject({
      from: '2024-02-29',
      to: '2024-02-29',
    })
  })

  test('the URL keeps the range across pages; the default is left out', () => {
    for (const preset of ['today', '7d', '30d', 'month', '12m'] as const) {
      const r = resolveRange(preset, 'UTC', NOW)
      expect(rangeFromSearch(rangeSearch(r), 'UTC', NOW)).toEqual(r)
    }
    expect(rangeSearch(resolveRange('30d', 'UTC', NOW))).toBe('')
    const custom = resolveRange('custom', 'UTC', NOW, { from: '2026-01-01', to: '2026-01-31' })
    expect(rangeSearch(custom)).toBe('?range=custom&from=2026-01-01&to=2026-01-31')
    expect(rangeFromSearch('?range=bogus', 'UTC', NOW).preset).toBe('30d')
    expect(param('?event=a%2Fb%20c&key=plan', 'event')).toBe('a/b c')
    expect(param('?event=x', 'key')).toBeNull()
    expect(describeRange(custom)).toBe('Jan 1 – Jan 31, 2026')
    expect(describeRange(resolveRange('30d', 'UTC', Date.parse('2026-01-10T00:00:00Z')))).toBe(
      'Dec 12, 2025 – Jan 10, 2026',
    )
  })

  test('a custom range of instants (a link): kept in the URL, shown in the zone, covered by whole quarters', () => {
    const r = resolveRange('custom', 'Europe/Berlin', NOW, {
      from: '2026-01-05T10:12:00.5+05:30',
      to: '2026-01-05T06:12:00Z',
    })
    expect(r).toEqual({
      preset: 'custom',
      from: '2026-01-05T10:12:00.5+05:30',
      to: '2026-01-05T06:12:00Z',
      interval: 'hour',
      tz: 'Europe/Berlin',
    })
    expect(rangeSearch(r)).toBe('?range=custom&from=2026-01-05T10%3A12%3A00.5%2B05%3A30&to=2026-01-05T06%3A12%3A00Z')
    expect(rangeFromSearch(rangeSearch(r), 'Europe/Berlin', NOW)).toEqual(r)
    expect(
      rangeFromSearch('?range=custom&from=2026-01-05T10:12:00.5+05:30&to=2026-01-05T06:12:00Z', 'Europe/Berlin', NOW),
    ).toEqual(r) // + unencoded
    expect(describeRange(r)).toBe('Jan 5, 05:42 – 07:12')
    expect(coveredRange(r)).toEqual({
      start: Date.parse('2026-01-05T04:30:00Z'),
      end: Date.parse('2026-01-05T06:15:00Z'),
    })
    expect(previousRange(r)).toMatchObject({ from: '2026-01-05T02:45:00.000Z', to: '2026-01-05T04:30:00.000Z' })
    expect(coveredRange(resolveRange('7d', 'UTC', NOW))).toBeNull()
    expect(describeSpan(Date.parse('2026-01-05T23:00:00Z'), Date.parse('2026-01-06T01:00:00Z'), 'UTC')).toBe(
      'Jan 5, 23:00 – Jan 6, 01:00',
    )
    // Out of order, or not instants the API reads: the default.
    expect(
      resolveRange('custom', 'UTC', NOW, { from: '2026-01-05T06:12:00Z', to: '2026-01-05T06:11:00Z' }).preset,
    ).toBe('30d')
    expect(resolveRange('custom', 'UTC', NOW, { from: '2026-01-05T06:12Z', to: '2026-01-05T07:00:00Z' }).preset).toBe(
      '30d',
    )
  })
})

describe('figures', () => {
  test('changes: sign, colour (a falling bounce rate is good), nothing to compare with', () => {
    expect(change(1157, 968)).toMatchObject({ text: '+19.5%', tone: 'up' })
    expect(change(30, 40, true)).toMatchObject({ text: '−25%', tone: 'up' })
    expect(change(40, 30, true)).toMatchObject({ text: '+33.3%', tone: 'down' })
    expect(change(5, 0)).toMatchObject({ text: 'new', tone: 'up' })
    expect(change(0, 0)).toBeNull()
    expect(change(null, 3)).toBeNull()
    expect(change(3, undefined)).toBeNull()
    expect(change(1000, 1000)).toMatchObject({ text: '0%', tone: 'flat' })
    expect(change(500, 100)).toMatchObject({ text: '+400%' })
  })

  test('durations and percentages', () => {
    expect([0, 12.4, 172, 3840].map(fmtDuration)).toEqual(['0s', '12s', '2m 52s', '1h 04m'])
    expect([0, 3.97, 34.93, 100].map(fmtPercent)).toEqual(['0%', '3.97%', '34.9%', '100%'])
  })
})

test("the dashboard's custom-event example is the README's, stub first: a call right after the snippet is kept", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const stub = /^<script>window\.hk = window\.hk \|\| .*<\/script>$/m.exec(readme)?.[0]
  expect(stub).toBeDefined()
  // tracker-readme.test.ts proves in Chromium that the README's stub keeps such a call.
  expect(HK_STUB).toBe(stub)
  const [first, second] = eventSnippetText().split('\n')
  expect(first).toBe(stub)
  expect(second).toBe("<script>window.hk?.event?.('signup', { plan: 'pro' })</script>")
  expect(readme).toContain(second)
})
