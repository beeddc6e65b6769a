import { describe, expect, test } from 'vitest'
import type { DrainResult } from '../src/drain/protocol.js'
import { REALTIME_WINDOW_MS, RealtimeHub } from '../src/realtime/hub.js'

/** A drain result carrying only what the hub reads: (site, fingerprint, ts) triples. */
const drained = (...triples: number[][]): DrainResult =>
  ({ active: Float64Array.from(triples.flat()) }) as unknown as DrainResult

describe('RealtimeHub', () => {
  test('counts distinct visitors per site within the window, over the whole u32 fingerprint range', () => {
    let now = 10 * REALTIME_WINDOW_MS
    const hub = new RealtimeHub(() => now)
    const big = 2 ** 32 - 1 // int32 -1: must stay apart from every other fingerprint
    hub.onDrained(drained([1, 7, now], [1, big, now], [2, 7, now], [1, 2 ** 31, now - 1000], [1, 7, now - 5]))
    hub.onDrained(drained([1, 1, now], [2, big, now], [1, 2 ** 31 - 1, now]))
    expect(hub.visitorsNow(1)).toBe(5)
    expect(hub.visitorsNow(2)).toBe(2)
    expect(hub.visitorsNow(3)).toBe(0)
    // A later event keeps a visitor; an older one does not move it back.
    hub.onDrained(drained([1, 2 ** 31, now], [1, 7, now - REALTIME_WINDOW_MS]))
    now += REALTIME_WINDOW_MS - 500
    expect(hub.visitorsNow(1)).toBe(5)
    now += 501
    expect(hub.visitorsNow(1)).toBe(0)
  })

  test('tells each changed site once, in the order of first appearance', () => {
    const hub = new RealtimeHub(() => 0)
    const told: number[] = []
    for (const site of [1, 2, 3, 4]) hub.subscribe(site, (s) => told.push(s))
    hub.onDrained(drained([3, 1, 0], [1, 1, 0], [3, 2, 0], [2, 1, 0], [1, 5, 0], [3, 3, 0]))
    expect(told).toEqual([3, 1, 2])
    told.length = 0
    hub.onDrained(drained([4, 1, 0], [4, 2, 0]))
    hub.onDrained(drained())
    expect(told).toEqual([4])
    expect(hub.visitorsNow(3)).toBe(3)
    expect(hub.visitorsNow(1)).toBe(2)
  })
})

test('weeks of uptime: times stay exact across moves of the internal base', () => {
  let now = Date.parse('2026-11-26T12:00:00Z')
  const hub = new RealtimeHub(() => now)
  const day = 86_400_000
  for (let d = 0; d < 40; d++) {
    now += day
    hub.onDrained(drained([1, d, now - 1000], [1, 1000 + d, now - REALTIME_WINDOW_MS - 1]))
    expect(hub.visitorsNow(1)).toBe(1) // today's visitor; yesterday's and the one just outside the window are not
  }
  now += REALTIME_WINDOW_MS - 1000
  expect(hub.visitorsNow(1)).toBe(1)
  now += 1
  expect(hub.visitorsNow(1)).toBe(0)
})
