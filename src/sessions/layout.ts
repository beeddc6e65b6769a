/**
 * The layout of a lane's open-session table (./table.ts) in its SharedArrayBuffer, and of the session
 * log entry (./log.ts) that a slot's first 56 bytes are byte for byte: header words, slot fields, and
 * the readers of a log entry. Both files import it; neither imports the other's layout.
 *
 * ```
 * SharedArrayBuffer = 64-byte header + capacity × 64-byte slots (capacity a power of two)
 *
 * header  0 ┌ MAGIC u32 │ CAPACITY u32 │ COUNT u32 │ LOADED u32 │ EPOCH u32 │ LOGGED u32 │ BUSY u32 │ 0 u32 ┐
 *        32 │ NEXT_LOG_SEQ f64 (the log key of this lane's next value, ./log.ts) │ MIN_LAST f64 (see sweep) │
 *        48 │ MIN_DAY u32 │ 0 …                                                                          │
 *        64 └─────────────────────────────────────────────────────────────────────────────────────────────┘
 * slot    0 ┌ TAG u32 │ DAY u32 │ SITE u32 │ H0 u32 │ H1 u32 │ PV u32 │ ENTRY u32 │ EXIT u32 ┐
 *        32 │ NO f64          │ START f64       │ LAST f64        │ TOUCHED u32 │ 0 u32      │
 *        64 └──────────────────────────────────────────────────────────────────────────────────┘
 * ```
 * TAG 0 is an empty slot; {@link KeyTag} otherwise. (TAG, DAY, SITE, H0, H1) is the key: the salt day,
 * the site, and 64 bits of the session key (./key.ts). TOUCHED is the epoch of the last batch that
 * changed the slot (first touch in a batch saves the slot for undo). Times in ms since the epoch.
 * @module
 */
import type { SessionState } from './session.js'

export const KeyTag = { VISITOR: 1, CLIENT_SESSION: 2 } as const

export const HEADER_BYTES = 64
export const SLOT_BYTES = 64
/**
 * A slot's key and state (bytes 0–55) are a session log entry byte for byte (./log.ts): typed arrays use
 * the platform's byte order, little-endian on every platform Node supports for this (x64, arm64) —
 * checked at load, so a big-endian machine fails loudly instead of writing a log it cannot read back.
 */
export const ENTRY_BYTES = 56
export const ENTRY_WORDS = ENTRY_BYTES >> 2
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error("hitring's session tables need a little-endian platform")
}

export const MAGIC = 0x53_4e_52_48 // "HRNS" little-endian

/** Header words, as Uint32Array indexes. */
export const MAGIC_INDEX = 0
export const CAPACITY_INDEX = 1
export const COUNT_INDEX = 2
export const LOADED_INDEX = 3
export const EPOCH_INDEX = 4
/** Log entries written since this lane's last snapshot (./log.ts decides when to write the next). */
export const LOGGED_INDEX = 5
/**
 * 1 from `begin` until `end`/`rollback`. Found set by the next batch, the thread that had the lane died
 * mid-batch (its changes neither committed nor undone): the table is rebuilt from the log.
 */
export const BUSY_INDEX = 6
/**
 * Float64Array index of NEXT_LOG_SEQ (byte 32). It once sat at byte 24, on top of BUSY: every store to
 * BUSY rewrote the low half of the sequence number, harmless below 2^21 (an integer double's low 32 bits
 * are zero there) and above it a lane's log values overwrote one another. Test: session-table.test.ts.
 */
export const NEXT_LOG_SEQ_F64 = 4
/**
 * Lower bounds of every occupied slot's LAST (Float64Array index 5, byte 40) and DAY (Uint32Array index 12,
 * byte 48): exact after a sweep's scan, lowered by every write, 0 (no bound) after `clear`. While the
 * sweep's cut-offs are at or below them, a sweep can forget nothing and is skipped — a table kept full by
 * sessions that are all still open (a back-fill of many visitors) was scanned and rebuilt, to no effect, at
 * every batch: ~40 % of a drain worker's time in the batch bench.
 */
export const MIN_LAST_F64 = 5
export const MIN_DAY_INDEX = 12

/** Slot fields: Uint32Array offsets from slot × 16, Float64Array offsets from slot × 8. */
export const TAG = 0
export const DAY = 1
export const SITE = 2
export const H0 = 3
export const H1 = 4
export const PV = 5
export const ENTRY = 6
export const EXIT = 7
export const NO_F = 4
export const START_F = 5
export const LAST_F = 6
export const TOUCHED = 14
export const U32_PER_SLOT = SLOT_BYTES >> 2
export const F64_PER_SLOT = SLOT_BYTES >> 3

/** The key of one session in a lane's table. */
export interface SessionTableKey {
  tag: number
  day: number
  site: number
  h0: number
  h1: number
}

/** What a batch's log write (./log.ts) leaves for the table's header once the transaction commits. */
export interface LogPosition {
  nextSeq: number
  loggedSinceSnapshot: number
}

/** The key of the session log entry at byte `at` of `b` (a slot's first bytes, laid out as above). */
export function entryKey(b: Buffer, at: number): SessionTableKey {
  return {
    tag: b.readUInt32LE(at + TAG * 4),
    day: b.readUInt32LE(at + DAY * 4),
    site: b.readUInt32LE(at + SITE * 4),
    h0: b.readUInt32LE(at + H0 * 4),
    h1: b.readUInt32LE(at + H1 * 4),
  }
}

/** The session state of the log entry at byte `at` of `b`. */
export function entryState(b: Buffer, at: number): SessionState {
  return {
    pv: b.readUInt32LE(at + PV * 4),
    entry: b.readUInt32LE(at + ENTRY * 4),
    exit: b.readUInt32LE(at + EXIT * 4),
    no: b.readDoubleLE(at + NO_F * 8),
    start: b.readDoubleLE(at + START_F * 8),
    last: b.readDoubleLE(at + LAST_F * 8),
  }
}
