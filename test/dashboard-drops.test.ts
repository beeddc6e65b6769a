/**
 * The overview's drops line, in Node (src/dashboard/drops.ts is pure): human labels, singular and plural,
 * grouped figures, the exact reason codes in the tooltip, an unknown code shown as it is, and no line at
 * all without drops. The line in the page is checked in Chromium by dashboard-e2e.
 */
import { expect, test } from 'vitest'
import { describeDrops } from '../src/dashboard/drops.js'
import type { DropsResponse } from '../src/dashboard/types.js'

const range = {
  from: '2026-03-01',
  to: '2026-03-30',
  tz: 'UTC',
  start: '2026-03-01T00:00:00Z',
  end: '2026-03-31T00:00:00Z',
}
const drops = (reasons: DropsResponse['reasons']): DropsResponse => ({
  range,
  total: reasons.reduce((n, r) => n + r.count, 0),
  reasons,
  timeseries: [],
})

test('figures grouped, each reason in words, the codes in the tooltip', () => {
  expect(
    describeDrops(
      drops([
        { reason: 'bot', count: 1100 },
        { reason: 'excluded_ip', count: 134 },
      ]),
    ),
  ).toEqual({
    lead: '1,234 events not counted',
    parts: [
      { reason: 'bot', text: '1,100 bots' },
      { reason: 'excluded_ip', text: '134 excluded IPs' },
    ],
    title: 'Acknowledged but not stored, by reason: bot: 1,100 · excluded_ip: 134',
  })
})

test('one of a kind reads in the singular; an unknown code is shown as it is', () => {
  const t = describeDrops(drops([{ reason: 'prefetch', count: 1 }]))!
  expect(`${t.lead}: ${t.parts.map((p) => p.text).join(', ')}`).toBe('1 event not counted: 1 prefetch')
  const all = ['spam_referrer', 'dnt', 'hostname_not_allowed', 'unknown_site_origin', 'a_new_reason'].map((reason) => ({
    reason,
    count: 2,
  }))
  expect(describeDrops(drops(all))!.parts.map((p) => p.text)).toEqual([
    '2 spam referrers',
    '2 Do Not Track requests',
    '2 hostnames not allowed',
    '2 unknown origins',
    '2 a_new_reason',
  ])
})

test('no drops: no line', () => {
  expect(describeDrops(drops([]))).toBeNull()
})
