/**
 * Everything one batch writes, run inside its LMDB write transaction: visitor ids (daily salt), session
 * state, raw event blocks, rollup counters and unique-visitor sketches.
 * @module
 */
import {
  type Store,
  reserveSequence,
  blockKey,
  type EventBlock,
  encodeEventBlock,
  Metric,
  RollupDeltas,
  type SiteBuckets,
  getSiteByNum,
  type SiteRecord,
  UniqueDeltas,
  propDimText,
  StringKind,
  type Interner,
  DAY_MS,
} from '../store/index.js'
import {
  compileFieldCode,
  HEAD_KEYS,
  ID_FIELDS,
  Limits,
  type STORED_FIELDS,
  type StoredEvent,
  type StoredHead,
} from '../event/index.js'
import { existingSalt, utcDay } from '../identity/salts.js'
import { daySaltInTransaction } from '../derive/retention.js'
import type { VisitorCache } from '../identity/visitor-cache.js'
import { advanceSession, SESSION_TIMEOUT_MS, type SessionState } from '../sessions/session.js'
import type { SessionTable } from '../sessions/table.js'
import type { LogPosition, SessionTableKey } from '../sessions/layout.js'
import { clientSessionKey, visitorSessionKey } from '../sessions/key.js'
import { logBatchInTransaction } from '../sessions/log.js'
import { countStoredEvent } from '../derive/count.js'
import type { EventItem, Item } from './decode.js'

/** The open-session tables of every lane (src/sessions/table.ts), and the lanes this batch drains (begun). */
export interface LaneSessions {
  tables: SessionTable[]
  lanes: number[]
}

export interface BatchOutcome {
  stored: number
  /** Items skipped because their idempotency key was committed before. */
  duplicates: number
  counters: number
  /** See DrainResult.active (./protocol.ts). */
  active: Float64Array
  /** Per lane, the session log's position after this batch, for {@link SessionTable.end} once it committed. */
  logs: Map<number, LogPosition>
  /** Events whose session could not be kept: the lane's session table was full (each starts a new session). */
  untracked: number
  /** Events of a site deleted after they were decoded (the drainer caches sites for a few seconds): not written. */
  siteDeleted: number
}

export function writeBatch(
  store: Store,
  interner: Interner,
  items: Item[],
  sessions: LaneSessions,
  visitors: VisitorCache,
): BatchOutcome {
  const deltas = new RollupDeltas()
  const uniques = new UniqueDeltas()
  const blocks = new Map<number, EventBlock>()
  const { tables } = sessions
  let untracked = 0
  const salts = new Map<number, Buffer>()
  const saltOf = (day: number) => {
    let s = salts.get(day)
    if (!s) salts.set(day, (s = daySaltInTransaction(store, day)))
    return s
  }
  // Session numbers: read the counter once, hand out numbers, write it back at the end (we are the only writer).
  let nextSession = -1
  const newSessionNo = () => {
    if (nextSession < 0) nextSession = reserveSequence(store, 'session_seq', 0)
    return nextSession++
  }
  const id = (kind: number, text: string) => interner.idInTransaction(kind, text)
  const propId = (nameId: number, key: string, value: string | number | boolean) =>
    id(StringKind.PROP, propDimText(nameId, key, value))
  // Buckets follow the site's time zone as committed now, not as cached by the decoder: a zone change
  // and its rebuild commit together, and no batch after it may bucket by the old zone.
  // Read inside the transaction, so exact: a site deleted by an earlier commit (DELETE /api/sites/{id}) is
  // null here, and nothing more of it is written — its delete removed every datum, and must stay so.
  const zones = new Map<number, SiteBuckets | null>()
  const bucketsOf = (site: SiteRecord): SiteBuckets | null => {
    let b = zones.get(site.num)
    if (b === undefined) {
      const now = getSiteByNum(store, site.num)
      zones.set(site.num, (b = now ? { num: site.num, timezone: now.timezone } : null))
    }
    return b
  }
  let siteDeleted = 0
  let stored = 0
  let duplicates = 0
  const active = new Map<number, [number, number, number]>()

  /** Whether an item's idempotency key was seen before (then it is skipped); records it otherwise. */
  const seenBefore = (site: SiteRecord, idempotencyKey: string | undefined): boolean => {
    if (idempotencyKey === undefined) return false
    // The HTTP thread already refused known keys; this closes the last race (and survives restarts).
    const key: [number, string] = [site.num, idempotencyKey]
    const at = store.idempotency.get(key)
    if (at !== undefined && Date.now() - at < Limits.idempotencyWindowMs) {
      duplicates++
      return true
    }
    store.idempotency.put(key, Date.now())
    return false
  }

  for (const item of items) {
    const buckets = bucketsOf(item.site)
    if (buckets === null) {
      if (item.type !== 'drop') siteDeleted++ // a drop record was counted in /metrics when it was decided
      continue
    }
    if (item.type === 'drop') {
      if (!seenBefore(item.site, item.idempotencyKey))
        deltas.count(buckets, Metric.DROPPED, item.ts, id(StringKind.DROP_REASON, item.reason))
      continue
    }
    if (seenBefore(item.site, item.idempotencyKey)) continue
    const day = utcDay(item.ts)
    const visitor = item.visitor ?? visitors.get(day, item.site.num, item.ip, item.userAgent, saltOf)
    const table = tables[item.lane]!
    const key = sessionKeyOf(item, day, visitor, saltOf)
    const slot = table.find(key)
    let current = slot >= 0 ? table.read(slot) : undefined
    if (current === undefined && item.ts - day * DAY_MS < SESSION_TIMEOUT_MS) {
      current = continueYesterdays(store, table, visitors, item, day - 1)
    }
    const stateEvent = storedEventOf(
      0,
      item.payload.kind,
      item.payload.kind === 1 ? id(StringKind.EVENT_NAME, item.payload.name) : 0,
      id(StringKind.PATH, item.path),
      item.query,
      item.payload.referrer,
      item.payload.props,
      0,
      Buffer.from(visitor.subarray(0, 8)),
      item,
      id,
    )
    const { state, effects } = advanceSession(
      current,
      { ts: item.ts, kind: item.payload.kind, pathId: stateEvent.pathId },
      newSessionNo,
    )
    if (!table.write(key, state, slot)) untracked++
    stateEvent.sessionNo = state.no

    let block = blocks.get(item.site.num)
    if (!block) blocks.set(item.site.num, (block = { t0: item.ts, e: [] }))
    stateEvent.dt = item.ts - block.t0
    block.e.push(stateEvent)
    countStoredEvent(deltas, uniques, buckets, item.ts, stateEvent, state, effects, propId)
    const fingerprint = visitor.readUInt32BE(0)
    // Exact while site numbers stay below 2^21; beyond, two visitors could share a key (realtime only).
    const activeKey = item.site.num * 2 ** 32 + fingerprint
    const seen = active.get(activeKey)
    if (seen) seen[2] = item.ts
    else active.set(activeKey, [item.site.num, fingerprint, item.ts])
    stored++
  }

  if (blocks.size > 0) {
    const seq = reserveSequence(store, 'block_seq', blocks.size)
    let i = 0
    for (const [siteNum, block] of blocks)
      store.events.put(blockKey(siteNum, block.t0, seq + i++), encodeEventBlock(block.t0, block.e))
  }
  if (nextSession >= 0) store.meta.put('session_seq', nextSession)
  const logs = new Map<number, LogPosition>()
  const now = Date.now()
  for (const l of sessions.lanes) {
    const position = logBatchInTransaction(store, tables[l]!, l, tables.length, now)
    if (position) logs.set(l, position)
  }
  deltas.applyInTransaction(store)
  uniques.applyInTransaction(store)
  const triples = new Float64Array(active.size * 3)
  let k = 0
  for (const [site, fingerprint, ts] of active.values()) {
    triples[k++] = site
    triples[k++] = fingerprint
    triples[k++] = ts
  }
  return { stored, duplicates, counters: deltas.size + uniques.size, active: triples, logs, untracked, siteDeleted }
}

/**
 * A stored event: one object literal with every field of the table in its order, as the block decoder
 * builds them (one shape); the fields up to the visitor given, each id after it (hostId … languageId)
 * interned from the item's `enriched` string. Generated once from the table (src/event/compile.ts): the
 * code is the written-out `browserId: id(7, item.browser), …`, so a new id needs no edit here.
 */
export const storedEventOf = compileFieldCode<
  (...args: [...head: StoredHead, item: EventItem, id: (kind: number, text: string) => number]) => StoredEvent
>(
  [...HEAD_KEYS, 'item', 'id'],
  `return { ${HEAD_KEYS.join(', ')}, ${ID_FIELDS.map((f) => `${f.key}: id(${f.kind}, item.${f.enriched})`)} }`,
)

/** The item's string properties, as `enriched` names them (`utm.source` for a nested one). */
type StringPath<T> = {
  [K in keyof T & string]: T[K] extends string ? K : T[K] extends object ? `${K}.${keyof T[K] & string}` : never
}[keyof T & string]
type Enriched = Extract<(typeof STORED_FIELDS)[number], { enriched: string }>['enriched']
/** Compiles only while every `enriched` of the table names a string of {@link EventItem}. */
const enrichedAreItemStrings: [Enriched] extends [StringPath<EventItem>] ? true : never = true
void enrichedAreItemStrings

/** A client session id (from hk.js) groups a tab's events; otherwise the visitor id does (src/sessions/key.ts). */
function sessionKeyOf(item: EventItem, day: number, visitor: Buffer, saltOf: (day: number) => Buffer): SessionTableKey {
  const sessionId = item.payload.sessionId
  return sessionId !== undefined
    ? clientSessionKey(day, item.site.num, sessionId, saltOf(day))
    : visitorSessionKey(day, item.site.num, visitor)
}

/**
 * In the first 30 minutes of a UTC day, a visitor's session may have begun yesterday, under yesterday's
 * salt: look it up with that salt (kept exactly for this). The caller continues it under today's key;
 * yesterday's entry is closed here (last seen at time 0: expired for any later event) so that it can
 * never be continued a second time from an outdated state.
 */
function continueYesterdays(
  store: Store,
  table: SessionTable,
  visitors: VisitorCache,
  item: EventItem,
  yesterday: number,
): SessionState | undefined {
  const salt = existingSalt(store, yesterday)
  if (!salt) return undefined
  const key =
    item.payload.sessionId !== undefined
      ? clientSessionKey(yesterday, item.site.num, item.payload.sessionId, salt)
      : visitorSessionKey(
          yesterday,
          item.site.num,
          visitors.get(yesterday, item.site.num, item.ip, item.userAgent, () => salt),
        )
  const slot = table.find(key)
  if (slot < 0) return undefined
  const state = table.read(slot)
  if (state.last === 0) return undefined
  table.write(key, { ...state, last: 0 }, slot)
  return state
}
