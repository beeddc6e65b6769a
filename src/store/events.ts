/**
 * Raw events, stored in blocks: one LMDB entry per (batch, site) holding that site's events of the
 * batch, so the per-event cost on disk and in the write path is a few bytes of msgpack, not an LMDB
 * node with its own key.
 *
 * Key (binary, 14 bytes): site u32 BE · first event time u48 BE (ms) · block sequence u16+u32 … see
 * {@link blockKey}. Keys sort by site, then time, so a site's events of a period are one range scan.
 *
 * Value: `{ v: 1, t0, e: [[dt, kind, nameId, pathId, query, referrer, props], …] }` where `dt` is the
 * offset from `t0` in ms, `query` the URL's query string (for UTM attribution) and `referrer` the raw
 * referrer ('' when none).
 * @module
 */
import type { Store } from './open.js'

export type StoredEvent = [dt: number, kind: 0 | 1, nameId: number, pathId: number, query: string, referrer: string, props: Record<string, string | number | boolean> | null]

export interface EventBlock {
  v: 1
  t0: number
  e: StoredEvent[]
}

export function blockKey(siteNum: number, t0: number, seq: number): Buffer {
  const key = Buffer.allocUnsafe(14)
  key.writeUInt32BE(siteNum, 0)
  key.writeUIntBE(Math.max(0, Math.floor(t0)), 4, 6)
  key.writeUInt32BE(seq >>> 0, 10)
  return key
}

export function siteOfBlockKey(key: Buffer): number {
  return key.readUInt32BE(0)
}

/** Iterates every stored block (all sites), in key order. */
export function* allBlocks(store: Store): Generator<{ siteNum: number; block: EventBlock }> {
  for (const { key, value } of store.events.getRange({})) {
    yield { siteNum: siteOfBlockKey(key as Buffer), block: value as EventBlock }
  }
}

/** The number of raw events stored (a scan: for tests and `hitring verify`, never for dashboards). */
export function countEvents(store: Store): number {
  let n = 0
  for (const { block } of allBlocks(store)) n += block.e.length
  return n
}
