/** Session rules, table-driven: 30 minutes of inactivity end a session; bounces and durations follow. */
import { expect, test } from 'vitest'
import {
  advanceSession,
  SESSION_TIMEOUT_MS,
  type SessionEffects,
  type SessionState,
  type SessionEvent,
} from '../src/sessions/session.js'

const MIN = 60_000

function replay(events: SessionEvent[]) {
  let state: SessionState | undefined
  let next = 1
  const totals = {
    visits: 0,
    bounces: 0,
    durationMs: 0,
    entries: new Map<number, number>(),
    exits: new Map<number, number>(),
  }
  const bump = (m: Map<number, number>, k: number, d: number) => k && m.set(k, (m.get(k) ?? 0) + d)
  for (const ev of events) {
    const r = advanceSession(state, ev, () => next++)
    const fx: SessionEffects = r.effects
    state = r.state
    if (fx.started) totals.visits++
    totals.bounces += fx.bouncesDelta
    totals.durationMs += fx.durationDeltaMs
    bump(totals.entries, fx.entryAdded, 1)
    bump(totals.exits, fx.exitRemoved, -1)
    bump(totals.exits, fx.exitAdded, 1)
  }
  return totals
}

const pv = (min: number, pathId = 1): SessionEvent => ({ ts: 1_700_000_000_000 + min * MIN, kind: 0, pathId })
const ev = (min: number): SessionEvent => ({ ts: 1_700_000_000_000 + min * MIN, kind: 1, pathId: 1 })

test.each([
  ['one pageview: one visit, bounced, 0 s', [pv(0)], 1, 1, 0],
  ['two pageviews 10 minutes apart: one visit, not bounced, 600 s', [pv(0), pv(10, 2)], 1, 0, 600],
  ['two pageviews 31 minutes apart: two visits, both bounced', [pv(0), pv(31)], 2, 2, 0],
  ['exactly 30 minutes apart still continues the session', [pv(0), pv(30)], 1, 0, 1800],
  ['a custom event after a pageview lengthens the visit but does not un-bounce it', [pv(0), ev(5)], 1, 1, 300],
  ['a third pageview keeps it un-bounced', [pv(0), pv(1), pv(2)], 1, 0, 120],
  ['a session started by a custom event is not a bounce until it has one pageview', [ev(0), pv(1)], 1, 1, 60],
  ['gaps chain: 0, 20, 40, 60 minutes is one 60-minute visit', [pv(0), pv(20), pv(40), pv(60)], 1, 0, 3600],
])('%s', (_what, events, visits, bounces, seconds) => {
  const t = replay(events)
  expect(t.visits).toBe(visits)
  expect(t.bounces).toBe(bounces)
  expect(t.durationMs / 1000).toBe(seconds)
})

test('entry and exit pages move as the session grows', () => {
  const t = replay([pv(0, 10), pv(1, 20), pv(2, 30), pv(40, 40)])
  expect([...t.entries]).toEqual([
    [10, 1],
    [40, 1],
  ])
  expect([...t.exits].filter(([, n]) => n !== 0)).toEqual([
    [30, 1],
    [40, 1],
  ])
})

test('the timeout is 30 minutes', () => expect(SESSION_TIMEOUT_MS).toBe(30 * MIN))
