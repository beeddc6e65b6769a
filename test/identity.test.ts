/**
 * Cookie-less visitor ids: same IP + UA + site on the same day → same visitor; change any of them, or
 * the day's salt → another visitor; salts rotate at 00:00 UTC, yesterday's is kept only for sessions
 * crossing midnight, and after two rotations the same IP + UA is a stranger.
 */
import { afterAll, expect, test } from 'vitest'
import { createSessionTable, SessionTable } from '../src/sessions/table.js'
import { visitorSessionKey } from '../src/sessions/key.js'
import { logBatchInTransaction, loggedSessions } from '../src/sessions/log.js'
import { openStore } from '../src/store/open.js'
import { utcDay } from '../src/identity/salts.js'
import { daySaltInTransaction } from '../src/derive/retention.js'
import { visitorId } from '../src/identity/visitor.js'
import { VisitorCache } from '../src/identity/visitor-cache.js'
import { tempDataDir } from './helpers/server.js'

const dir = tempDataDir()
const store = openStore({ path: dir.path })
afterAll(async () => {
  await store.close()
  dir.remove()
})

const ip = (s: string) => new Uint8Array(s.split('.').map(Number))
const UA = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0'
const day0 = utcDay(Date.parse('2026-11-20T12:00:00Z'))
const salt = (day: number) => store.env.transactionSync(() => daySaltInTransaction(store, day))

test.each([
  ['same IP, UA, site and day', ['1.2.3.4', UA, 1], true],
  ['another IP', ['1.2.3.5', UA, 1], false],
  ['another User-Agent', ['1.2.3.4', `${UA} `, 1], false],
  ['another site', ['1.2.3.4', UA, 2], false],
] as const)('%s → same visitor: %s', (_what, [otherIp, otherUa, otherSite], same) => {
  const s = salt(day0)
  const a = visitorId(s, 1, ip('1.2.3.4'), UA)
  const b = visitorId(s, otherSite, ip(otherIp), otherUa)
  expect(a.equals(b)).toBe(same)
  expect(a.length).toBe(16)
})

test('a salt is created once per day and agreed on; yesterday is kept, older days and their sessions deleted', () => {
  const s0 = salt(day0)
  expect(salt(day0).equals(s0)).toBe(true)
  const v0 = visitorId(s0, 1, ip('1.2.3.4'), UA)
  // A session of that day, logged as a drain batch logs it (src/sessions/log.ts).
  const table = new SessionTable(createSessionTable(64))
  store.env.transactionSync(() => {
    table.begin(0, 0)
    table.write(visitorSessionKey(day0, 1, v0), { no: 1, start: 1, last: 1, pv: 1, entry: 0, exit: 0 }, -1)
    table.end(logBatchInTransaction(store, table, 0, 4, Date.now()))
  })
  const loggedDays = () => [...loggedSessions(store)].map((s) => s.key.day)
  expect(loggedDays()).toEqual([day0])

  const s1 = salt(day0 + 1)
  expect(s1.equals(s0)).toBe(false)
  expect(store.salts.get(day0)?.equals(s0)).toBe(true) // kept to continue sessions across midnight
  expect(visitorId(s1, 1, ip('1.2.3.4'), UA).equals(v0)).toBe(false)

  const s2 = salt(day0 + 2)
  expect(store.salts.get(day0)).toBeUndefined() // two rotations later: gone
  expect(loggedDays()).toEqual([])
  expect(store.salts.get(day0 + 1)?.equals(s1)).toBe(true)
  expect(visitorId(s2, 1, ip('1.2.3.4'), UA).equals(v0)).toBe(false)
})

test("the drain's visitor-id cache gives exactly visitorId, hashing each (day, site, IP, UA) once", () => {
  const cache = new VisitorCache()
  let saltAsked = 0
  const saltOf = (day: number) => {
    saltAsked++
    return salt(day)
  }
  for (let round = 0; round < 3; round++) {
    for (const [addr, ua, site] of [
      ['1.2.3.4', UA, 1],
      ['1.2.3.4', UA, 2],
      ['1.2.3.5', UA, 1],
      ['1.2.3.4', `${UA}x`, 1],
    ] as const) {
      expect(
        cache.get(day0 + 5, site, ip(addr), ua, saltOf).equals(visitorId(salt(day0 + 5), site, ip(addr), ua)),
      ).toBe(true)
    }
    const v6 = new Uint8Array(16).fill(9)
    expect(cache.get(day0 + 5, 1, v6, UA, saltOf).equals(visitorId(salt(day0 + 5), 1, v6, UA))).toBe(true)
  }
  expect(saltAsked).toBe(5) // once per distinct visitor, not per call
  cache.clear()
  cache.get(day0 + 5, 1, ip('1.2.3.4'), UA, saltOf)
  expect(saltAsked).toBe(6)
})

test('visitor ids handed out before the cache starts over keep their bytes (the slab is never written twice)', () => {
  const cache = new VisitorCache()
  const s = salt(day0 + 7)
  const first = cache.get(day0 + 7, 1, ip('10.0.0.1'), UA, () => s)
  const expected = Buffer.from(first)
  cache.clear() // what a failed transaction does; starting over at 200,000 entries is the same step
  // Enough new visitors to fill the slab's first entries again.
  for (let i = 0; i < 1000; i++) cache.get(day0 + 7, 1, Uint8Array.of(10, 1, i >> 8, i & 255), UA, () => s)
  expect(first.equals(expected)).toBe(true)
  expect(first.equals(visitorId(s, 1, ip('10.0.0.1'), UA))).toBe(true)
})
