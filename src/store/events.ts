/**
 * Raw events, stored in blocks: one LMDB entry per (batch, site) holding that site's events of the
 * batch, so the per-event cost on disk and in the write path is a few dozen bytes, not an LMDB
 * node with its own key.
 *
 * Key (binary, 14 bytes): site u32 BE · first event time u48 BE (ms) · block sequence u32 BE. Keys sort
 * by site, then time, so a site's events of a period are one range scan; the block sequence is handed
 * out inside the commit, so it also orders blocks as they were committed.
 *
 * Value: the block's bytes (./event-block.ts; blocks written before that format are msgpack objects
 * `{ v: 2, t0, e: [tuple, …] }`, read as well: src/event/stored.ts `fromTuple`). A stored event
 * (src/event/stored.ts) holds no IP and no User-Agent: only the session number, 8 bytes of the
 * daily-salted visitor hash, and interned ids of what was derived.
 * @module
 */
import type { Store } from './open.js'
import { decodeEventBlock, type DecodedBlock } from './event-block.js'
import { fromTuple } from '../event/stored.js'

export type { Props, StoredEvent } from '../event/stored.js'

/** A block as read back: its events' times are `t0 + e.dt`. */
export type EventBlock = DecodedBlock

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

export function seqOfBlockKey(key: Buffer): number {
  return key.readUInt32BE(10)
}

/** Iterates the stored blocks of every site (or of `siteNum` only), in key order. */
export function* allBlocks(
  store: Store,
  siteNum?: number,
): Generator<{ siteNum: number; seq: number; block: EventBlock }> {
  const range = siteNum === undefined ? {} : { start: blockKey(siteNum, 0, 0), end: blockKey(siteNum + 1, 0, 0) }
  for (const { key, value } of store.events.getRange(range)) {
    // Format 2 blocks (msgpack objects of tuples) were written before the binary format.
    const block =
      value instanceof Uint8Array ? decodeEventBlock(value) : fromFormat2(value as { t0: number; e: unknown[][] })
    yield { siteNum: siteOfBlockKey(key as Buffer), seq: seqOfBlockKey(key as Buffer), block }
  }
}

function fromFormat2(value: { t0: number; e: unknown[][] }): EventBlock {
  return { t0: value.t0, e: value.e.map(fromTuple) }
}

/** The number of raw events stored (a scan: for tests and `hitring verify`, never for dashboards). */
export function countEvents(store: Store): number {
  let n = 0
  for (const { block } of allBlocks(store)) n += block.e.length
  return n
}
