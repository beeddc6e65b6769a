/**
 * The ring record of one accepted ingest request, written by the HTTP thread and read by a drain worker.
 * Its fields are the ingest payload's (./payload.ts; ./fields.ts `PAYLOAD_FIELDS` says where each goes);
 * test/event-schema.test.ts checks that every payload field the table says is carried comes back.
 *
 * The HTTP thread has parsed and validated the body; it writes the validated, normalised fields (not
 * the JSON) and the request facts a worker cannot know, so the worker reads fields instead of parsing
 * and validating the JSON a second time (that was ~2.5 µs of the drain's ~25 µs per event, and a JSON
 * re-serialisation per server-API item on the HTTP thread). The client IP and User-Agent travel only
 * through memory: they are never stored.
 *
 * ```
 *  payload offset  size  field
 *  0               8     receivedAt   f64, ms since the Unix epoch (server receive time, or a server
 *                                     item's own timestamp)
 *  8               4     siteNum      u32, the site's small integer id
 *  12              1     kind         u8, EventKind (0 pageview, 1 custom event)
 *  13              1     ipLength     u8, 0 / 4 / 16
 *  14              2     uaLength     u16, bytes of User-Agent (UTF-8, cut to Limits.userAgentBytes)
 *  16              4     fieldsLength u32, bytes of the fields below
 *  20              ip    client IP bytes (normalised: IPv4 as 4 bytes)
 *  20+ip           ua    User-Agent bytes
 *  20+ip+ua        fields:
 *                    u8 flags: 1 session id · 2 screen width · 4 idempotency key · 8 language
 *                    str name (empty for pageviews) · str url · str referrer
 *                    [str session id] [u32 screen width] [str idempotency key] [str language]
 *                    u8 props count, then per prop: str key · u8 type (0 string + str, 1 number + f64,
 *                    2 true, 3 false)
 *                  str = u16 byte length + UTF-8 bytes; every number little-endian
 * ```
 * @module
 */
import { EventKind, type IngestPayload, type PropValue } from './payload.js'
import { Limits } from './limits.js'
import { writeUtf8 } from '../bytes/utf8.js'

/** Type 1 carried the raw JSON body (parsed again by the worker); rings live in memory only: no reader is kept. */
export const RECORD_TYPE_INGEST_V2 = 3
/** An event the HTTP thread acknowledged but dropped (bot, spam…): counted per site and reason. */
export const RECORD_TYPE_DROP_V1 = 2
export const RECORD_HEADER_BYTES = 20
export const DROP_RECORD_BYTES = 13

const FLAG_SESSION = 1
const FLAG_SCREEN = 2
const FLAG_IDEMPOTENCY = 4
const FLAG_LANGUAGE = 8

/** What one ingest record carries: written by {@link encodeIngestRecord}, read back by {@link decodeIngestRecord}. */
export interface IngestRecordFacts {
  receivedAt: number
  siteNum: number
  kind: EventKind
  ip: Uint8Array
  userAgent: string
  /** Validated by `validatePayload` (src/ingest/payload.ts). */
  payload: IngestPayload
  /** A server item's idempotency key (always present, maybe undefined, once decoded). */
  idempotencyKey?: string | undefined
}

// Every field is bounded (./limits.ts): name, url, referrer, 30 props of ≤ 300 + 2,000 bytes, key ≤ 128.
const scratch = Buffer.allocUnsafe(RECORD_HEADER_BYTES + 16 + Limits.userAgentBytes + 128 * 1024)
/** The same memory as a plain Uint8Array: its built-in subarray is cheaper than Buffer's (no FastBuffer). */
const scratchBytes = new Uint8Array(scratch.buffer, scratch.byteOffset, scratch.length)
let pos = 0

// Little-endian integers by byte stores: Buffer's writeUInt16LE/writeUInt32LE range-check every call
// (~50 ns of a record's ~515 ns); every value written here is in range by construction.
function u16At(v: number, at: number): void {
  scratch[at] = v
  scratch[at + 1] = v >>> 8
}

function u32At(v: number, at: number): void {
  scratch[at] = v
  scratch[at + 1] = v >>> 8
  scratch[at + 2] = v >>> 16
  scratch[at + 3] = v >>> 24
}

function str(s: string): void {
  const n = writeUtf8(scratch, s, pos + 2, 0xffff)
  u16At(n, pos)
  pos += 2 + n
}

/**
 * Encodes one record into a scratch buffer and returns it: a view valid until the next call, to copy
 * into a reserved ring region at once (`enqueueEvent`, src/ingest/enqueue.ts).
 */
export function encodeIngestRecord(facts: IngestRecordFacts): Uint8Array {
  const p = facts.payload
  scratch.writeDoubleLE(facts.receivedAt, 0)
  u32At(facts.siteNum >>> 0, 8)
  scratch[12] = facts.kind
  scratch[13] = facts.ip.length
  scratch.set(facts.ip, RECORD_HEADER_BYTES)
  const uaAt = RECORD_HEADER_BYTES + facts.ip.length
  const uaLength = writeUtf8(scratch, facts.userAgent, uaAt, Limits.userAgentBytes)
  u16At(uaLength, 14)
  const fieldsAt = uaAt + uaLength
  pos = fieldsAt + 1
  str(p.kind === EventKind.Custom ? p.name : '')
  str(p.url)
  str(p.referrer)
  let flags = 0
  if (p.sessionId !== undefined) {
    flags |= FLAG_SESSION
    str(p.sessionId)
  }
  if (p.screenWidth !== undefined) {
    flags |= FLAG_SCREEN
    u32At(p.screenWidth, pos)
    pos += 4
  }
  if (facts.idempotencyKey !== undefined) {
    flags |= FLAG_IDEMPOTENCY
    str(facts.idempotencyKey)
  }
  if (p.language !== undefined) {
    flags |= FLAG_LANGUAGE
    str(p.language)
  }
  scratch[fieldsAt] = flags
  const countAt = pos++
  let count = 0
  if (p.props) {
    for (const key in p.props) {
      const v = p.props[key]!
      str(key)
      if (typeof v === 'string') {
        scratch[pos++] = 0
        str(v)
      } else if (typeof v === 'number') {
        scratch[pos++] = 1
        scratch.writeDoubleLE(v, pos)
        pos += 8
      } else scratch[pos++] = v ? 2 : 3
      count++
    }
  }
  scratch[countAt] = count
  u32At(pos - fieldsAt, 16)
  return scratchBytes.subarray(0, pos)
}

// Buffer views of the rings' shared memory, for fast UTF-8 slices.
const views = new WeakMap<ArrayBufferLike, Buffer>()

/** A Buffer over the same memory as `bytes` (a ring's data region), made once per ring. */
function bufferOf(bytes: Uint8Array): Buffer {
  let buf = views.get(bytes.buffer)
  if (!buf || buf.byteOffset !== bytes.byteOffset || buf.length !== bytes.length)
    views.set(bytes.buffer, (buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)))
  return buf
}

/** Decodes a record a worker finds in its segment. Throws on a length that runs past `length`. */
export function decodeIngestRecord(
  bytes: Uint8Array,
  view: DataView,
  offset: number,
  length: number,
): IngestRecordFacts {
  const ipLength = view.getUint8(offset + 13)
  const uaLength = view.getUint16(offset + 14, true)
  const fieldsLength = view.getUint32(offset + 16, true)
  if (RECORD_HEADER_BYTES + ipLength + uaLength + fieldsLength > length)
    throw new Error('corrupt ingest record: lengths exceed the record')
  const ipAt = offset + RECORD_HEADER_BYTES
  const uaAt = ipAt + ipLength
  const fieldsAt = uaAt + uaLength
  const end = fieldsAt + fieldsLength
  if (fieldsLength < 1) throw new Error('corrupt ingest record: no fields')
  let at = fieldsAt + 1
  const b = bufferOf(bytes)
  // Every read is checked against the record's end: past it lie the next record's bytes, not an error.
  const need = (n: number): void => {
    if (at + n > end) throw new Error('corrupt ingest record: a field runs past the record')
  }
  const text = (): string => {
    need(2)
    const n = b.readUInt16LE(at)
    need(2 + n)
    const out = b.toString('utf8', at + 2, at + 2 + n)
    at += 2 + n
    return out
  }
  const flags = b[fieldsAt]!
  const kind = view.getUint8(offset + 12) as EventKind
  const name = text()
  const url = text()
  const referrer = text()
  const sessionId = flags & FLAG_SESSION ? text() : undefined
  let screenWidth: number | undefined
  if (flags & FLAG_SCREEN) {
    need(4)
    screenWidth = b.readUInt32LE(at)
    at += 4
  }
  const idempotencyKey = flags & FLAG_IDEMPOTENCY ? text() : undefined
  const language = flags & FLAG_LANGUAGE ? text() : undefined
  need(1)
  const count = b[at++]!
  let props: Record<string, PropValue> | null = null
  for (let i = 0; i < count; i++) {
    const key = text()
    need(1)
    const type = b[at++]
    let value: PropValue
    if (type === 0) value = text()
    else if (type === 1) {
      need(8)
      value = b.readDoubleLE(at)
      at += 8
    } else if (type === 2 || type === 3) value = type === 2
    else throw new Error(`corrupt ingest record: prop type ${type}`)
    ;(props ??= {})[key] = value
  }
  if (at !== end) throw new Error('corrupt ingest record: fields do not end with the record')
  return {
    receivedAt: view.getFloat64(offset, true),
    siteNum: view.getUint32(offset + 8, true),
    kind,
    ip: bytes.slice(ipAt, uaAt),
    userAgent: b.toString('utf8', uaAt, fieldsAt),
    payload: {
      kind,
      siteId: undefined,
      name: kind === EventKind.Custom ? name : 'pageview',
      url,
      referrer,
      props,
      sessionId,
      screenWidth,
      language,
      webdriver: false,
    },
    idempotencyKey,
  }
}

/**
 * A drop record: `f64 receivedAt · u32 siteNum · u8 reason` (13 bytes), so the drop is counted in the
 * site's "dropped" rollup by reason, in the same transactions as the stored events — then, for a server
 * item sent with an idempotency key, `u8 length · key` (UTF-8, ≤ 128 bytes), so that a retry of a
 * dropped item is a duplicate too and its drop is not counted twice.
 */
export function dropRecordBytes(idempotencyKey?: string): number {
  return idempotencyKey === undefined ? DROP_RECORD_BYTES : DROP_RECORD_BYTES + 1 + Buffer.byteLength(idempotencyKey)
}

export function encodeDropRecord(
  bytes: Uint8Array,
  view: DataView,
  offset: number,
  receivedAt: number,
  siteNum: number,
  reason: number,
  idempotencyKey?: string,
): void {
  view.setFloat64(offset, receivedAt, true)
  view.setUint32(offset + 8, siteNum, true)
  view.setUint8(offset + 12, reason)
  if (idempotencyKey === undefined) return
  const key = Buffer.from(idempotencyKey)
  if (key.length > 255) throw new RangeError('idempotency key over 255 bytes')
  view.setUint8(offset + DROP_RECORD_BYTES, key.length)
  bytes.set(key, offset + DROP_RECORD_BYTES + 1)
}

export function decodeDropRecord(
  bytes: Uint8Array,
  view: DataView,
  offset: number,
  length: number,
): { receivedAt: number; siteNum: number; reason: number; idempotencyKey: string | undefined } {
  let idempotencyKey: string | undefined
  if (length > DROP_RECORD_BYTES) {
    const n = view.getUint8(offset + DROP_RECORD_BYTES)
    if (DROP_RECORD_BYTES + 1 + n > length) throw new Error('corrupt drop record: key runs past the record')
    const at = offset + DROP_RECORD_BYTES + 1
    idempotencyKey = bufferOf(bytes).toString('utf8', at, at + n)
  }
  return {
    receivedAt: view.getFloat64(offset, true),
    siteNum: view.getUint32(offset + 8, true),
    reason: view.getUint8(offset + 12),
    idempotencyKey,
  }
}
