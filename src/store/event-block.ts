/**
 * The stored form of a block of raw events (./events.ts): a compact binary encoding, written by the drain
 * and read by the recount. Format 2 was a msgpack object `{ v: 2, t0, e: [tuple, …] }` (src/event/stored.ts
 * `fromTuple`); blocks written before format 4 stay as they are and are still read.
 *
 * Format 4 (the value is the bytes below; the `events` database's msgpack wraps them as one `bin`). The
 * fields are those of src/event/fields.ts `STORED_FIELDS`, in its order (test/event-block.test.ts checks
 * this hand-written codec against the table, field by field):
 *
 * ```
 *  u8 4 · varint t0 · varint count · count × event
 *  event:  zigzag dt · u8 kind · varint nameId · varint pathId · str query · str referrer
 *          · varint props (0: none, n + 1: n props, each: str key · u8 type (0 str · 1 f64 LE · 2 true · 3 false))
 *          · varint sessionNo · 8 bytes visitor · 13 × varint id (hostId … utmContentId, languageId)
 *  format 3: the same without languageId (read as 0: no language). A varint field appended to the table
 *  with `since: 5` makes format 5, written after languageId, read as 0 from formats 3 and 4; the ids
 *  after the visitor are encoded and decoded by code generated from the table (src/event/compile.ts).
 *  varint: unsigned LEB128 (up to 2^53) · zigzag: signed as varint
 *  str:    varint h — h even: UTF-8 of h / 2 bytes follows; h odd: the block's string number (h - 1) / 2.
 *          Every inline string of 1 to 512 bytes gets the next number, in order, so repeats within a block
 *          (property keys and values, referrers, queries) cost one or two bytes.
 * ```
 *
 * Against msgpack objects this takes ~⅓ of the encoding time in the drain (~0.5 µs less per event) and
 * fewer bytes: integers are varints without type tags, the array has no per-field headers, and repeated
 * strings are numbered (lmdb-js's msgpack only shares an object's keys, as a record structure).
 * @module
 */
import type { Props, StoredEvent, StoredHead } from '../event/stored.js'
import { HEAD_KEYS, ID_FIELDS, type StoredField } from '../event/fields.js'
import { compileFieldCode } from '../event/compile.js'
import { writeUtf8 } from '../bytes/utf8.js'

/** The ids after the visitor (hostId … languageId), each written from the format of its `since`. */
const IDS = ID_FIELDS
/**
 * The format written: the newest `since` of the table (a field appended with `since: 5` makes it 5).
 * Every binary format from 3 is read, a field absent from a block's format read as 0.
 */
export const EVENT_BLOCK_FORMAT = Math.max(4, ...IDS.map((f) => f.since))
/** The first binary format: the table's fields of `since: 2` (format 2 was msgpack tuples of them). */
const FORMAT_3 = 3
const VISITOR_BYTES = 8

/** One id read: always, or only from the format that added it. */
function idRead(f: StoredField): string {
  return f.since <= FORMAT_3 ? 'uint()' : `format >= ${f.since} ? uint() : 0`
}

/**
 * The ids after the visitor, encoded: `varint(e.hostId)` … one line per field, generated once from the
 * table (src/event/compile.ts), the code a hand-written list would be.
 */
const encodeIds = compileFieldCode<(e: StoredEvent, varint: (v: number) => void) => void>(
  ['e', 'varint'],
  IDS.map((f) => `varint(e.${f.key})`).join('\n'),
)

/**
 * A decoded event: one object literal with every field of the table in its order (so every event read
 * has one shape), the ids after the visitor read in order, each absent from an older `format` as 0.
 * Generated once from the table, as {@link encodeIds}.
 */
const eventOf = compileFieldCode<(...args: [...head: StoredHead, format: number, uint: () => number]) => StoredEvent>(
  [...HEAD_KEYS, 'format', 'uint'],
  `return { ${HEAD_KEYS.join(', ')}, ${IDS.map((f) => `${f.key}: ${idRead(f)}`).join(', ')} }`,
)

export interface DecodedBlock {
  t0: number
  e: StoredEvent[]
}

export class EventBlockError extends Error {}

let out = Buffer.allocUnsafe(1 << 16)
let pos = 0

function room(n: number): void {
  if (pos + n <= out.length) return
  const grown = Buffer.allocUnsafe(Math.max(out.length * 2, pos + n))
  out.copy(grown, 0, 0, pos)
  out = grown
}

function varint(v: number): void {
  // Values past 2^31 (t0, session numbers one day): division instead of shifts, which are 32-bit.
  while (v >= 0x80) {
    out[pos++] = (v % 0x80) | 0x80
    v = Math.floor(v / 0x80)
  }
  out[pos++] = v
}

/** Inline strings of 1 to this many UTF-8 bytes are numbered for reuse (longer ones are seldom repeated). */
const MAX_NUMBERED_BYTES = 512
/** The block's numbered strings (a string of ≤ 512 bytes has ≤ 512 characters, so that bounds the lookup). */
const numbers = new Map<string, number>()

function str(s: string): void {
  const n = s.length
  if (n === 0 || n > MAX_NUMBERED_BYTES) return void inline(s)
  const seen = numbers.get(s)
  if (seen !== undefined) {
    room(8)
    varint(seen * 2 + 1)
    return
  }
  // Numbered as the decoder numbers it: by its byte length.
  if (inline(s) <= MAX_NUMBERED_BYTES) numbers.set(s, numbers.size)
}

/** Writes `s` inline (length header h = 2 × bytes, then UTF-8); returns its byte length. */
function inline(s: string): number {
  const n = s.length
  room(5 + 3 * n)
  // Up to 21 characters the encoding is at most 63 bytes: a one-byte header (h < 128), known before writing.
  if (n <= 21) {
    const bytes = writeUtf8(out, s, pos + 1, 63)
    out[pos] = bytes * 2
    pos += 1 + bytes
    return bytes
  }
  // Write after a gap as long as the longest header for these sizes, then close it up.
  const at = pos
  const bytes = writeUtf8(out, s, at + 5, 3 * n)
  varint(bytes * 2)
  if (pos !== at + 5) out.copy(out, pos, at + 5, at + 5 + bytes)
  pos += bytes
  return bytes
}

/** Encodes events whose times are `t0 + e.dt`, whole milliseconds (src/drain/decode.ts). Returns a new Buffer. */
export function encodeEventBlock(t0: number, events: readonly StoredEvent[]): Buffer {
  pos = 0
  numbers.clear()
  room(16)
  out[pos++] = EVENT_BLOCK_FORMAT
  varint(t0)
  varint(events.length)
  for (const e of events) {
    room(1 + 4 * 8) // dt, kind, nameId, pathId: each varint ≤ 8 bytes
    const dt = e.dt
    varint(dt >= 0 ? dt * 2 : -dt * 2 - 1)
    out[pos++] = e.kind
    varint(e.nameId)
    varint(e.pathId)
    str(e.query)
    str(e.referrer)
    room(8)
    const props = e.props
    if (props === null) out[pos++] = 0
    else {
      const keys = Object.keys(props)
      varint(keys.length + 1)
      for (const key of keys) {
        str(key)
        const v = props[key]!
        room(9)
        if (typeof v === 'string') {
          out[pos++] = 0
          str(v)
        } else if (typeof v === 'number') {
          out[pos++] = 1
          out.writeDoubleLE(v, pos)
          pos += 8
        } else out[pos++] = v ? 2 : 3
      }
    }
    room(8 + VISITOR_BYTES + 8 * IDS.length)
    varint(e.sessionNo)
    const visitor = e.visitor
    if (visitor.length !== VISITOR_BYTES)
      throw new EventBlockError(`visitor of ${visitor.length} bytes, expected ${VISITOR_BYTES}`)
    out.set(visitor, pos)
    pos += VISITOR_BYTES
    encodeIds(e, varint)
  }
  return Buffer.from(out.subarray(0, pos))
}

/**
 * Decodes a block of format 3 to {@link EVENT_BLOCK_FORMAT}; throws EventBlockError on anything malformed (never
 * reads past `bytes`).
 */
export function decodeEventBlock(bytes: Uint8Array): DecodedBlock {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  const end = b.length
  let at = 0
  const need = (n: number): void => {
    if (at + n > end) throw new EventBlockError('event block: truncated')
  }
  const uint = (): number => {
    let v = 0
    let scale = 1
    for (let i = 0; i < 8; i++) {
      need(1)
      const byte = b[at++]!
      v += (byte & 0x7f) * scale
      if (byte < 0x80) return v
      scale *= 0x80
    }
    throw new EventBlockError('event block: varint over 8 bytes')
  }
  const strings: string[] = []
  const text = (): string => {
    const h = uint()
    if (h % 2 === 1) {
      const s = strings[(h - 1) / 2]
      if (s === undefined) throw new EventBlockError(`event block: string ${(h - 1) / 2} of ${strings.length}`)
      return s
    }
    const n = h / 2
    need(n)
    const s = b.toString('utf8', at, at + n)
    at += n
    if (n > 0 && n <= MAX_NUMBERED_BYTES) strings.push(s)
    return s
  }
  need(1)
  const format = b[at++]
  if (format === undefined || format < FORMAT_3 || format > EVENT_BLOCK_FORMAT)
    throw new EventBlockError(`event block: format ${format}, expected ${FORMAT_3} to ${EVENT_BLOCK_FORMAT}`)
  const t0 = uint()
  const count = uint()
  const e: StoredEvent[] = []
  for (let n = 0; n < count; n++) {
    const z = uint()
    const dt = z % 2 === 0 ? z / 2 : -(z + 1) / 2
    need(1)
    const kind = b[at++] as 0 | 1
    if (kind !== 0 && kind !== 1) throw new EventBlockError(`event block: kind ${kind}`)
    const nameId = uint()
    const pathId = uint()
    const query = text()
    const referrer = text()
    const propCount = uint()
    let props: Props | null = null
    if (propCount > 0) {
      props = {}
      for (let i = 1; i < propCount; i++) {
        const key = text()
        need(1)
        const type = b[at++]
        if (type === 0) props[key] = text()
        else if (type === 1) {
          need(8)
          props[key] = b.readDoubleLE(at)
          at += 8
        } else if (type === 2 || type === 3) props[key] = type === 2
        else throw new EventBlockError(`event block: prop type ${type}`)
      }
    }
    const sessionNo = uint()
    need(VISITOR_BYTES)
    // A copy: `bytes` may be a view of lmdb-js's reused read buffer.
    const visitor = Buffer.from(b.subarray(at, at + VISITOR_BYTES))
    at += VISITOR_BYTES
    e.push(eventOf(dt, kind, nameId, pathId, query, referrer, props, sessionNo, visitor, format, uint))
  }
  if (at !== end) throw new EventBlockError('event block: bytes after the last event')
  return { t0, e }
}
