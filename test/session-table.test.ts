/**
 * Open sessions in shared memory (src/sessions/table.ts) and their log (src/sessions/log.ts): a table
 * rebuilt from the log equals the one that wrote it, a failed batch leaves no trace, and a drain that
 * restarts mid-session continues the session exactly — rollups equal to a recount throughout.
 */
import { afterAll, expect, test } from 'vitest'
import { createSessionTable, SessionTable } from '../src/sessions/table.js'
import { EPOCH_INDEX, KeyTag, type SessionTableKey } from '../src/sessions/layout.js'
import {
  logBatchInTransaction,
  loggedSessions,
  pruneLogInTransaction,
  removeSiteFromLogInTransaction,
  restoreLane,
} from '../src/sessions/log.js'
import { clientSessionKey, visitorSessionKey } from '../src/sessions/key.js'
import type { SessionState } from '../src/sessions/session.js'
import { openStore, type Store } from '../src/store/open.js'
import { createSite } from '../src/store/sites.js'
import { createRing, RingReader, RingWriter } from '../src/ring/index.js'
import { encodeIngestRecord, RECORD_TYPE_INGEST_V2 } from '../src/event/record.js'
import { EventKind, validPayload } from '../src/ingest/payload.js'
import { SegmentDrainer } from '../src/drain/segment.js'
import { recount } from '../src/derive/recount.js'
import { readKpis } from '../src/query/kpis.js'
import { localBuckets } from '../src/store/buckets.js'
import type { Key } from 'lmdb'
import { startServer, tempDataDir, waitFor } from './helpers/server.js'

const dirs: Array<ReturnType<typeof tempDataDir>> = []
const stores: Store[] = []
afterAll(async () => {
  for (const s of stores) await s.close()
  for (const d of dirs) d.remove()
})
function freshStore(): Store {
  const dir = tempDataDir()
  dirs.push(dir)
  const store = openStore({ path: dir.path })
  stores.push(store)
  return store
}

const key = (i: number, site = 1, day = 20_000): SessionTableKey => ({
  tag: KeyTag.VISITOR,
  day,
  site,
  h0: i * 7919,
  h1: i,
})
const state = (no: number, last = 1_000, pv = 1): SessionState => ({ no, start: 500, last, pv, entry: 3, exit: 4 })
const contents = (t: SessionTable) => {
  const all: string[] = []
  t.forEach((slot) => {
    all.push(JSON.stringify([t.keyOf(slot), t.read(slot)]))
  })
  return all.sort()
}

test('write, find and read; a rolled-back batch restores every slot it touched, inserts and updates alike', () => {
  const t = new SessionTable(createSessionTable(64))
  t.begin(0, 0)
  for (let i = 1; i <= 10; i++) expect(t.write(key(i), state(i), t.find(key(i)))).toBe(true)
  t.end()
  const before = contents(t)
  expect(t.size).toBe(10)

  t.begin(0, 0)
  t.write(key(3), state(3, 2_000, 2), t.find(key(3))) // update
  t.write(key(3), state(3, 3_000, 3), t.find(key(3))) // twice in one batch: saved once
  for (let i = 11; i <= 30; i++) t.write(key(i), state(i), -1) // inserts, some on others' probe paths
  expect(t.size).toBe(30)
  expect(t.touched().length).toBe(21)
  t.rollback()
  expect(t.size).toBe(10)
  expect(contents(t)).toEqual(before)
  for (let i = 11; i <= 30; i++) expect(t.find(key(i))).toBe(-1)
  expect(t.read(t.find(key(3)))).toEqual(state(3))
})

test('a full table refuses new sessions (keeps the old ones); a sweep at the next batch forgets expired ones', () => {
  const t = new SessionTable(createSessionTable(16))
  t.begin(0, 0)
  let refused = 0
  for (let i = 1; i <= 16; i++) if (!t.write(key(i), state(i, i <= 8 ? 100 : 10_000), -1)) refused++
  t.end()
  expect(refused).toBeGreaterThan(0)
  expect(t.size).toBe(16 - refused)
  t.begin(5_000, 0) // sessions last seen before 5,000 are over
  expect(t.size).toBe(16 - refused - 8)
  for (let i = 9; i <= 16 - refused; i++) expect(t.read(t.find(key(i))).no).toBe(i)
  t.end()
})

test('a sweep skips nothing expired: a session back-filled with an old time after an empty sweep is forgotten', () => {
  const t = new SessionTable(createSessionTable(64))
  t.begin(0, 0)
  for (let i = 1; i <= 50; i++) t.write(key(i), state(i, 10_000), -1) // 78 %: the next batches sweep
  t.end()
  t.begin(5_000, 0) // nothing last seen before 5,000: nothing to forget
  expect(t.size).toBe(50)
  t.write(key(51), state(51, 100), -1) // an event from long ago (a server item with its own timestamp)
  t.end()
  t.begin(5_000, 0)
  expect(t.size).toBe(50)
  expect(t.find(key(51))).toBe(-1)
  t.write(key(52, 1, 19_000), state(52, 20_000), -1) // a session of an old salt day
  t.end()
  t.begin(5_000, 19_500)
  expect(t.size).toBe(50)
  expect(t.find(key(52, 1, 19_000))).toBe(-1)
  for (let i = 1; i <= 50; i++) expect(t.read(t.find(key(i))).no).toBe(i)
  t.end()
})

test('below the refusal mark, a sweep that would free under 1/64 of the table leaves it, until enough expire', () => {
  const t = new SessionTable(createSessionTable(1024))
  t.begin(0, 0)
  for (let i = 1; i <= 800; i++) t.write(key(i), state(i, i <= 10 ? 100 : i <= 40 ? 3_000 : 10_000), -1) // 78 %
  t.end()
  t.begin(1_000, 0) // 10 expired: under 16 (1/64 of 1,024), kept for now
  expect(t.size).toBe(800)
  t.end()
  t.begin(5_000, 0) // 40 expired
  expect(t.size).toBe(760)
  for (let i = 41; i <= 800; i++) expect(t.read(t.find(key(i))).no).toBe(i)
  t.end()
})

test('after a sweep rebuilt the table, a failed batch still undoes exactly its own writes', () => {
  const t = new SessionTable(createSessionTable(256))
  t.begin(0, 0)
  for (let i = 1; i <= 200; i++) t.write(key(i), state(i, i <= 100 ? 100 : 10_000), -1) // 78 %, half expired by 5,000
  t.end()
  t.begin(5_000, 0)
  expect(t.size).toBe(100)
  const swept = contents(t)
  for (let i = 150; i <= 250; i++) {
    const slot = t.find(key(i))
    t.write(key(i), slot >= 0 ? { ...t.read(slot), pv: 9 } : state(i, 20_000), slot)
  }
  t.rollback()
  expect(contents(t)).toEqual(swept)
  expect(t.size).toBe(100)
  for (let i = 101; i <= 200; i++) expect(t.read(t.find(key(i)))).toEqual(state(i, 10_000))
})

test('the next log sequence number survives every batch whole, past 2^21 too (it once shared bytes with BUSY)', () => {
  const store = freshStore()
  expect(createSite(store, 'seq.example').num).toBe(1)
  const t = new SessionTable(createSessionTable(1 << 10))
  store.env.transactionSync(() => restoreLane(store, t, 1, 4))
  const first = 2 ** 21 + 12_345
  t.nextLogSeq = first
  for (let b = 0; b < 3; b++) {
    store.env.transactionSync(() => {
      t.begin(0, 0)
      expect(t.nextLogSeq).toBe(first + b)
      for (let i = 0; i < 5; i++) t.write(key(b * 10 + i), state(b * 10 + i), -1)
      t.end(logBatchInTransaction(store, t, 1, 4, 0))
    })
    expect(t.nextLogSeq).toBe(first + b + 1)
    expect(t.loaded).toBe(true)
  }
  const seqs = [...store.sessionLog.getKeys({})].map(
    (k) => (k as Buffer).readUInt32BE(4) * 2 ** 32 + (k as Buffer).readUInt32BE(8),
  )
  expect(seqs).toEqual([first, first + 1, first + 2])
  const r = new SessionTable(createSessionTable(1 << 10))
  store.env.transactionSync(() => restoreLane(store, r, 1, 4))
  expect(contents(r)).toEqual(contents(t))
  expect(r.nextLogSeq).toBe(first + 3)
})

test('the log rebuilds a lane exactly: deltas, then a snapshot that replaces the values before it', () => {
  const store = freshStore()
  expect(createSite(store, 'log.example').num).toBe(1) // the sessions' site: a snapshot keeps only existing sites'
  const t = new SessionTable(createSessionTable(1 << 14))
  const batch = (n: number, from: number) =>
    store.env.transactionSync(() => {
      t.begin(0, 0)
      for (let i = from; i < from + n; i++) {
        const k = key(i % 3_000)
        const slot = t.find(k)
        const s = slot < 0 ? state(i) : { ...t.read(slot), pv: t.read(slot).pv + 1, last: t.read(slot).last + 1 }
        t.write(k, s, slot)
      }
      t.end(logBatchInTransaction(store, t, 2, 4, 0))
    })
  const restored = () => {
    const r = new SessionTable(createSessionTable(1 << 14))
    store.env.transactionSync(() => restoreLane(store, r, 2, 4))
    return r
  }
  batch(1_000, 0)
  batch(1_000, 1_000)
  expect([...loggedSessions(store)].some((s) => s.snapshot)).toBe(false)
  expect(contents(restored())).toEqual(contents(t))
  // A snapshot comes once twice the live sessions (3,000) were logged: 2,000 + 2,100 + 2,000 ≥ 6,000.
  batch(2_100, 2_000)
  expect([...loggedSessions(store)].some((s) => s.snapshot)).toBe(false)
  batch(2_000, 4_100)
  const logged = [...loggedSessions(store)]
  expect(logged.every((s) => s.snapshot)).toBe(true)
  expect(logged.length).toBe(3_000)
  batch(500, 6_100)
  const r = restored()
  expect(contents(r)).toEqual(contents(t))
  expect(r.nextLogSeq).toBe(t.nextLogSeq)
  expect(r.loggedSinceSnapshot).toBe(500)
  // A batch that never ended (its thread died mid-batch) makes the next one rebuild the table from the log.
  t.begin(0, 0)
  t.write(key(99_999), state(99_999), -1)
  expect(t.loaded).toBe(false)
  store.env.transactionSync(() => restoreLane(store, t, 2, 4))
  expect(t.loaded).toBe(true)
  expect(t.find(key(99_999))).toBe(-1)
  expect(contents(t)).toEqual(contents(r))
  // A server with another lane count ignores the values (those sessions start again).
  const other = new SessionTable(createSessionTable(1 << 14))
  store.env.transactionSync(() => restoreLane(store, other, 2, 8))
  expect(other.size).toBe(0)
})

test('salt rotation prunes a prefix of old days; deleting a site removes its logged sessions and nothing else', () => {
  const store = freshStore()
  const t = new SessionTable(createSessionTable(256))
  const batch = (keys: SessionTableKey[]) =>
    store.env.transactionSync(() => {
      t.begin(0, 0)
      for (const k of keys) t.write(k, state(1), t.find(k))
      t.end(logBatchInTransaction(store, t, 0, 4, 0))
    })
  batch([key(1, 1, 10), key(2, 2, 10)])
  batch([key(3, 1, 11)])
  batch([key(4, 2, 10)]) // an old day after a newer one: not part of the prunable prefix
  store.env.transactionSync(() => pruneLogInTransaction(store, 11))
  expect([...loggedSessions(store)].map((s) => s.key.h1)).toEqual([3, 4])
  store.env.transactionSync(() => removeSiteFromLogInTransaction(store, 2))
  expect([...loggedSessions(store)].map((s) => s.key.h1)).toEqual([3])
})

test('session keys: visitor ids and salted client session ids never collide with each other', () => {
  const visitor = Buffer.alloc(16, 7)
  const salt = Buffer.alloc(32, 1)
  const v = visitorSessionKey(5, 1, visitor)
  const c = clientSessionKey(5, 1, '2b1c8c8e-6a43-4d3a-9a0e-5b8f6c1d2e3f', salt)
  expect(v.tag).not.toBe(c.tag)
  // another salt, another key
  expect(clientSessionKey(5, 1, '2b1c8c8e-6a43-4d3a-9a0e-5b8f6c1d2e3f', Buffer.alloc(32, 2))).not.toEqual(c)
})

test('a drain restarted mid-session (new tables, same store) continues each session; rollups = a recount', async () => {
  const store = freshStore()
  const site = createSite(store, 'restart.example')
  const sab = createRing(1 << 20)
  const writer = new RingWriter(sab)
  const T0 = Date.now() - 20 * 60_000
  const ua = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'
  const send = async (drainer: SegmentDrainer, minute: number, path: string) => {
    const from = writer.tail()
    for (let v = 0; v < 200; v++) {
      const payload = validPayload(EventKind.Pageview, { site_id: site.id, url: `https://restart.example${path}` })
      const record = encodeIngestRecord({
        receivedAt: T0 + minute * 60_000 + v,
        siteNum: site.num,
        kind: EventKind.Pageview,
        ip: Uint8Array.of(10, 0, v >> 8, v & 255),
        userAgent: ua,
        payload,
      })
      writer.bytes.set(record, writer.reserve(RECORD_TYPE_INGEST_V2, record.length))
    }
    writer.publish()
    const r = await drainer.drain({ segments: [{ lane: 0, from, to: writer.head() }], sync: false })
    writer.release(r.segments[0]!.to)
    expect(r.stored).toBe(200)
  }
  await send(new SegmentDrainer(store, [new RingReader(sab)]), 0, '/')
  // "restarted": tables rebuilt from the log
  await send(new SegmentDrainer(store, [new RingReader(sab)]), 5, '/pricing')
  await send(new SegmentDrainer(store, [new RingReader(sab)]), 10, '/signup')
  store.env.resetReadTxn()
  const day = localBuckets('UTC', T0).day
  const kpis = readKpis(store, site.num, day, day + 2)
  expect(kpis).toMatchObject({ visitors: 200, visits: 200, pageviews: 600, bounces: 0 })
  expect(recount(store).mismatches).toEqual([])
})

test('a server started on a store of an earlier version empties its retired session databases', async () => {
  const dir = tempDataDir()
  dirs.push(dir)
  const old = openStore({ path: dir.path })
  const legacy = old.env.openDB<Buffer, Key>('sessions_v2', { encoding: 'binary' })
  await old.env.transaction(() => {
    for (let i = 0; i < 25_000; i++) legacy.put([20_000, 1, `v:${i}`], Buffer.alloc(40))
  })
  await old.close()
  const server = await startServer(dir.path)
  try {
    await waitFor(
      () => {
        const s = openStore({ path: dir.path, readOnly: true })
        try {
          return s.env.openDB<Buffer, Key>('sessions_v2', { encoding: 'binary' }).getKeysCount() === 0
        } finally {
          void s.close()
        }
      },
      10_000,
      'the retired sessions deleted',
    )
    // The log line follows the last, empty step: wait for it rather than race it.
    await waitFor(() => /"removed":25000/.test(server.logs.join('')), 5_000, 'the removal logged')
    expect(server.logs.join('')).toMatch(/"removed":25000/)
  } finally {
    expect(await server.stop()).toBe(0)
  }
})

test('after 2^32 batches the epochs start over, and a slot touched long ago is still saved for undo', () => {
  const sab = createSessionTable(64)
  const t = new SessionTable(sab)
  t.begin(0, 0) // epoch 1
  t.write(key(1), state(1), -1)
  t.end()
  new Uint32Array(sab)[EPOCH_INDEX] = 0xffff_ffff // 2^32 − 1 batches later
  t.begin(0, 0) // epoch 1 again
  t.write(key(1), state(1, 9_999, 7), t.find(key(1)))
  t.rollback()
  expect(t.read(t.find(key(1)))).toEqual(state(1))
})
