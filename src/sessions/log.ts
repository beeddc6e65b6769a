/**
 * The session tables' persistence (./table.ts): each batch appends ONE value to its lane's log, in the
 * batch's own transaction, holding the new state of every session the batch touched — instead of one
 * random B-tree write per event. Once a lane has logged about twice its live sessions, the next value is
 * a snapshot of the whole lane and the values before it are deleted, so the log stays O(live sessions)
 * and a restart reads at most a snapshot and the values after it.
 *
 * Restoring a lane = the latest snapshot, then every later value in order (each holds whole states, not
 * differences). Since a value commits with the events that produced it, the restored table is exactly
 * what the committed events give — the recount's condition (see ./table.ts).
 *
 * Deleting values is safe only as a prefix of a lane's log (a session's older states go with its newer
 * ones) or as every state of a whole site — never one value from the middle: that could leave an older
 * state of a session behind and make it stale.
 *
 * ```
 * key   (12 bytes)  lane u32 BE │ seq u64 BE (two u32)     — a lane's values in commit order
 * value (16 bytes + n × 56)
 *   0 ┌ kind u8 (1 delta, 2 snapshot) │ version u8 │ lanes u16 │ n u32 │ max day u32 │ 0 u32 ┐
 *  16 ├ entry: tag u32 │ day u32 │ site u32 │ h0 u32 │ h1 u32 │ pv u32 │ entry u32 │ exit u32  │
 *  48 │        no f64 │ start f64 │ last f64                                                 │ × n
 *     └──────────────────────────────────────────────────────────────────────────────────────┘
 * ```
 * little-endian values; an entry is a table slot's first 56 bytes as they are (./layout.ts owns that
 * layout: the table's `copyEntry` writes it, `entryKey`/`entryState` read it). `lanes` is the lane count
 * that wrote the value: a server with another lane count sends a visitor to another lane, so such values are
 * ignored (those sessions start again).
 * @module
 */
import type { Key } from 'lmdb'
import { type Store, getSiteByNum } from '../store/index.js'
import { SESSION_TIMEOUT_MS, type SessionState } from './session.js'
import type { SessionTable } from './table.js'
import { ENTRY_BYTES, entryKey, entryState, type LogPosition, type SessionTableKey } from './layout.js'

const KIND_DELTA = 1
const KIND_SNAPSHOT = 2
const VERSION = 1
const VALUE_HEADER_BYTES = 16
/**
 * A snapshot replaces the log once this many entries were logged since the last one (or twice the live sessions, if
 * more).
 */
const SNAPSHOT_MIN_LOGGED = 4096

export function logKey(lane: number, seq: number): Buffer {
  const k = Buffer.allocUnsafe(12)
  k.writeUInt32BE(lane, 0)
  k.writeUInt32BE(Math.floor(seq / 2 ** 32), 4)
  k.writeUInt32BE(seq >>> 0, 8)
  return k
}

const MAX_SEQ = Number.MAX_SAFE_INTEGER

function lanePrefix(lane: number): Buffer {
  const k = Buffer.allocUnsafe(4)
  k.writeUInt32BE(lane, 0)
  return k
}

function seqOfKey(key: Buffer): number {
  return key.readUInt32BE(4) * 2 ** 32 + key.readUInt32BE(8)
}

/**
 * Appends this batch's value to `lane`'s log (call inside the batch's write transaction, after the
 * batch changed the table). Returns the header values for {@link SessionTable.end}, or null when the batch
 * touched no session.
 */
export function logBatchInTransaction(
  store: Store,
  table: SessionTable,
  lane: number,
  lanes: number,
  now: number,
): LogPosition | null {
  const touched = table.touched()
  if (touched.length === 0) return null
  const seq = table.nextLogSeq
  const logged = table.loggedSinceSnapshot + touched.length
  if (logged < Math.max(SNAPSHOT_MIN_LOGGED, 2 * table.size)) {
    store.sessionLog.put(logKey(lane, seq), encodeValue(KIND_DELTA, lanes, table, touched))
    return { nextSeq: seq + 1, loggedSinceSnapshot: logged }
  }
  // Snapshot: every live session of a site that still exists, then the lane's older values go.
  const expiredBefore = now - 2 * SESSION_TIMEOUT_MS
  const sites = new Map<number, boolean>()
  const exists = (num: number) => {
    let e = sites.get(num)
    if (e === undefined) sites.set(num, (e = getSiteByNum(store, num) !== undefined))
    return e
  }
  const live: number[] = []
  table.forEach((slot) => {
    if (table.read(slot).last >= expiredBefore && exists(table.keyOf(slot).site)) live.push(slot)
  })
  store.sessionLog.put(logKey(lane, seq), encodeValue(KIND_SNAPSHOT, lanes, table, live))
  for (const key of store.sessionLog.getKeys({ start: logKey(lane, 0), end: logKey(lane, seq) }))
    store.sessionLog.remove(key)
  return { nextSeq: seq + 1, loggedSinceSnapshot: 0 }
}

/**
 * Rebuilds `lane`'s table from its log: the latest snapshot and every value after it. Call before the
 * lane's first batch in this process, inside a write transaction (so it reads what every worker
 * committed). Returns the number of sessions restored.
 */
export function restoreLane(store: Store, table: SessionTable, lane: number, lanes: number): number {
  table.clear()
  const values: Array<{ seq: number; value: Buffer }> = []
  // Newest first, down to the latest snapshot. (In a reverse range `start` is the high end; the 4-byte
  // lane prefix sorts before every key of the lane.)
  for (const { key, value } of store.sessionLog.getRange({
    start: logKey(lane, MAX_SEQ),
    end: lanePrefix(lane),
    reverse: true,
  })) {
    const v = value as Buffer
    values.push({ seq: seqOfKey(key as Buffer), value: v })
    if (v[0] === KIND_SNAPSHOT) break
  }
  let logged = 0
  for (let i = values.length - 1; i >= 0; i--) {
    const { value } = values[i]!
    if (value.readUInt16LE(2) !== lanes || value[1] !== VERSION) continue
    const n = decodeEntries(value, (key, state) => void table.restore(key, state))
    if (value[0] === KIND_DELTA) logged += n
  }
  table.nextLogSeq = values.length > 0 ? values[0]!.seq + 1 : 0
  table.loggedSinceSnapshot = logged
  table.markLoaded()
  return table.size
}

/**
 * Forgets logged sessions keyed by salt days before `oldestDay` (salt rotation: after it nobody can link
 * them to a visitor anyway): per lane, the longest prefix of values holding only such days.
 */
export function pruneLogInTransaction(store: Store, oldestDay: number): number {
  let removed = 0
  let stopLane = -1
  for (const { key, value } of store.sessionLog.getRange({})) {
    const lane = (key as Buffer).readUInt32BE(0)
    if (lane === stopLane) continue
    if ((value as Buffer).readUInt32LE(8) < oldestDay) {
      store.sessionLog.remove(key)
      removed++
    } else stopLane = lane
  }
  return removed
}

/** Removes every logged session of site `num` (deleting a site), rewriting the values that held some. */
export function removeSiteFromLogInTransaction(store: Store, num: number): number {
  let removed = 0
  for (const { key, value } of store.sessionLog.getRange({})) {
    const v = value as Buffer
    const keep: Buffer[] = []
    let gone = 0
    forEachEntry(v, (at) => {
      if (entryKey(v, at).site === num) gone++
      else keep.push(v.subarray(at, at + ENTRY_BYTES))
    })
    if (gone === 0) continue
    const header = Buffer.from(v.subarray(0, VALUE_HEADER_BYTES))
    header.writeUInt32LE(keep.length, 4)
    store.sessionLog.put(key as Buffer, Buffer.concat([header, ...keep]))
    removed += gone
  }
  return removed
}

function encodeValue(kind: number, lanes: number, table: SessionTable, slots: readonly number[]): Buffer {
  // A buffer of its own (offset 0), so that its 32-bit view is aligned.
  const b = Buffer.allocUnsafeSlow(VALUE_HEADER_BYTES + slots.length * ENTRY_BYTES)
  const words = new Uint32Array(b.buffer, b.byteOffset, b.length >> 2)
  let maxDay = 0
  let at = VALUE_HEADER_BYTES >> 2
  for (const slot of slots) {
    const day = table.copyEntry(slot, words, at)
    if (day > maxDay) maxDay = day
    at += ENTRY_BYTES >> 2
  }
  b[0] = kind
  b[1] = VERSION
  b.writeUInt16LE(lanes, 2)
  b.writeUInt32LE(slots.length, 4)
  b.writeUInt32LE(maxDay, 8)
  b.writeUInt32LE(0, 12)
  return b
}

function forEachEntry(v: Buffer, fn: (at: number) => void): number {
  const n = v.readUInt32LE(4)
  if (v.length !== VALUE_HEADER_BYTES + n * ENTRY_BYTES)
    throw new Error(`session log value of ${v.length} bytes for ${n} entries`)
  for (let i = 0, at = VALUE_HEADER_BYTES; i < n; i++, at += ENTRY_BYTES) fn(at)
  return n
}

function decodeEntries(v: Buffer, fn: (key: SessionTableKey, state: SessionState) => void): number {
  return forEachEntry(v, (at) => fn(entryKey(v, at), entryState(v, at)))
}

/** Every logged session state, lane by lane in log order (operators' tools and tests; never a hot path). */
export function* loggedSessions(
  store: Store,
): Generator<{ lane: number; seq: number; snapshot: boolean; key: SessionTableKey; state: SessionState }> {
  for (const { key, value } of store.sessionLog.getRange({})) {
    const k = key as Buffer
    const v = value as Buffer
    const found: Array<{ key: SessionTableKey; state: SessionState }> = []
    decodeEntries(v, (key, state) => found.push({ key, state }))
    for (const f of found) yield { lane: k.readUInt32BE(0), seq: seqOfKey(k), snapshot: v[0] === KIND_SNAPSHOT, ...f }
  }
}

/** Databases of open sessions before this log (msgpack values, then 40-byte values): no longer read. */
const LEGACY_SESSION_DBS = ['sessions', 'sessions_v2'] as const

/**
 * Deletes up to `limit` entries of the retired session databases (call inside a write transaction,
 * repeatedly until it returns 0): their sessions started again at the upgrade, and salted visitor
 * hashes are not kept longer than they are used.
 */
export function clearLegacySessionsInTransaction(store: Store, limit: number): number {
  let removed = 0
  for (const name of LEGACY_SESSION_DBS) {
    const db = store.env.openDB<unknown, Key>(name, { encoding: 'binary' })
    for (const key of db.getKeys({ limit: limit - removed })) {
      db.remove(key)
      removed++
    }
    if (removed >= limit) break
  }
  return removed
}
