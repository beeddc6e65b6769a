/**
 * The stored form of a {@link SessionState}: 40 fixed bytes instead of a msgpack record. The drain reads
 * and writes one per event (the visitor's open session), and decoding msgpack plus allocating its
 * record was the largest single cost of that read (drain profile, bench/README.md).
 *
 * ```
 * offset 0          8            16          24       28          32         36
 *        ┌──────────┬────────────┬───────────┬────────┬───────────┬──────────┬─────────┐
 *        │ no  f64  │ start  f64 │ last  f64 │ pv u32 │ entry u32 │ exit u32 │ 0 u32   │
 *        └──────────┴────────────┴───────────┴────────┴───────────┴──────────┴─────────┘
 * ```
 * little-endian; times in ms since the epoch; entry and exit are interned path ids (0: none yet).
 * @module
 */
import type { SessionState } from './session.js'

export const SESSION_BYTES = 40

export function encodeSession(s: SessionState): Buffer {
  const b = Buffer.allocUnsafe(SESSION_BYTES)
  b.writeDoubleLE(s.no, 0)
  b.writeDoubleLE(s.start, 8)
  b.writeDoubleLE(s.last, 16)
  b.writeUInt32LE(s.pv >>> 0, 24)
  b.writeUInt32LE(s.entry >>> 0, 28)
  b.writeUInt32LE(s.exit >>> 0, 32)
  b.writeUInt32LE(0, 36)
  return b
}

/** Reads a stored session (the bytes may be a transient lmdb-js buffer: nothing is kept). */
export function decodeSession(b: Uint8Array): SessionState {
  if (b.length !== SESSION_BYTES) throw new Error(`stored session of ${b.length} bytes, expected ${SESSION_BYTES}`)
  const v = new DataView(b.buffer, b.byteOffset, SESSION_BYTES)
  return {
    no: v.getFloat64(0, true),
    start: v.getFloat64(8, true),
    last: v.getFloat64(16, true),
    pv: v.getUint32(24, true),
    entry: v.getUint32(28, true),
    exit: v.getUint32(32, true),
  }
}
