/**
 * The ring record of one accepted ingest request, written by the HTTP thread and read by a drain worker.
 *
 * The HTTP thread already parsed and validated the body; it copies the raw body bytes (a memcpy, the
 * cheapest thing it can do) and the request facts a worker cannot know, and the worker parses again
 * off the HTTP thread. The client IP and User-Agent travel only through memory: they are never stored.
 *
 * ```
 *  payload offset  size  field
 *  0               8     receivedAt   f64, ms since the Unix epoch (server receive time)
 *  8               4     siteNum      u32, the site's small integer id
 *  12              1     kind         u8, EventKind (0 pageview, 1 custom event)
 *  13              1     ipLength     u8, 0 / 4 / 16
 *  14              2     uaLength     u16, bytes of User-Agent (UTF-8, cut to Limits.userAgentBytes)
 *  16              4     bodyLength   u32, bytes of the JSON body
 *  20              ip    client IP bytes (normalised: IPv4 as 4 bytes)
 *  20+ip           ua    User-Agent bytes
 *  20+ip+ua        body  the request body, as received
 * ```
 * @module
 */
import type { EventKind } from './payload.js'
import { Limits } from './limits.js'

export const RECORD_TYPE_INGEST_V1 = 1
/** An event the HTTP thread acknowledged but dropped (bot, spam…): counted per site and reason. */
export const RECORD_TYPE_DROP_V1 = 2
export const RECORD_HEADER_BYTES = 20
export const DROP_RECORD_BYTES = 13

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export interface IngestRecordFacts {
  receivedAt: number
  siteNum: number
  kind: EventKind
  ip: Uint8Array
  userAgent: string
  body: Uint8Array
}

/**
 * Encodes the record at `offset` of `bytes`/`view` (a reserved ring region of at least
 * `maxRecordBytes` bytes). Returns the number of bytes written.
 */
export function encodeIngestRecord(bytes: Uint8Array, view: DataView, offset: number, facts: IngestRecordFacts): number {
  const ipAt = offset + RECORD_HEADER_BYTES
  bytes.set(facts.ip, ipAt)
  const uaAt = ipAt + facts.ip.length
  const uaSpace = Math.min(facts.userAgent.length * 3, Limits.userAgentBytes)
  const { written: uaLength } = encoder.encodeInto(facts.userAgent, bytes.subarray(uaAt, uaAt + uaSpace))
  const bodyAt = uaAt + uaLength!
  bytes.set(facts.body, bodyAt)
  view.setFloat64(offset, facts.receivedAt, true)
  view.setUint32(offset + 8, facts.siteNum, true)
  view.setUint8(offset + 12, facts.kind)
  view.setUint8(offset + 13, facts.ip.length)
  view.setUint16(offset + 14, uaLength!, true)
  view.setUint32(offset + 16, facts.body.length, true)
  return bodyAt + facts.body.length - offset
}

export interface DecodedIngestRecord {
  receivedAt: number
  siteNum: number
  kind: EventKind
  ip: Uint8Array
  userAgent: string
  bodyText: string
}

/** Decodes a record a worker finds in its segment. Throws on a length that runs past `length`. */
export function decodeIngestRecord(bytes: Uint8Array, view: DataView, offset: number, length: number): DecodedIngestRecord {
  const ipLength = view.getUint8(offset + 13)
  const uaLength = view.getUint16(offset + 14, true)
  const bodyLength = view.getUint32(offset + 16, true)
  if (RECORD_HEADER_BYTES + ipLength + uaLength + bodyLength > length) throw new Error('corrupt ingest record: lengths exceed the record')
  const ipAt = offset + RECORD_HEADER_BYTES
  const uaAt = ipAt + ipLength
  const bodyAt = uaAt + uaLength
  return {
    receivedAt: view.getFloat64(offset, true),
    siteNum: view.getUint32(offset + 8, true),
    kind: view.getUint8(offset + 12) as EventKind,
    ip: bytes.slice(ipAt, uaAt),
    userAgent: decoder.decode(bytes.subarray(uaAt, bodyAt)),
    bodyText: decoder.decode(bytes.subarray(bodyAt, bodyAt + bodyLength)),
  }
}

/**
 * A drop record: `f64 receivedAt · u32 siteNum · u8 reason` (13 bytes), so the drop is counted in the
 * site's "dropped" rollup by reason, in the same transactions as the stored events.
 */
export function encodeDropRecord(view: DataView, offset: number, receivedAt: number, siteNum: number, reason: number): void {
  view.setFloat64(offset, receivedAt, true)
  view.setUint32(offset + 8, siteNum, true)
  view.setUint8(offset + 12, reason)
}

export function decodeDropRecord(view: DataView, offset: number): { receivedAt: number; siteNum: number; reason: number } {
  return { receivedAt: view.getFloat64(offset, true), siteNum: view.getUint32(offset + 8, true), reason: view.getUint8(offset + 12) }
}
