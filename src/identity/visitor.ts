/**
 * The cookie-less visitor id: a keyed hash of (daily salt, site, client IP, User-Agent). The same IP,
 * User-Agent and site on the same UTC day give the same id; change any of them, or the day's salt, and
 * the id changes. Neither the IP nor the User-Agent is ever stored — only this digest, and only for as
 * long as its salt exists.
 * @module
 */
import { createHash } from 'node:crypto'

export const VISITOR_ID_BYTES = 16

/**
 * SHA-256 over salt · site · IP · UA, cut to 128 bits. Fields are length-prefixed so that no two
 * different (IP, UA) pairs can produce the same input bytes.
 */
export function visitorId(salt: Uint8Array, siteNum: number, ip: Uint8Array, userAgent: string): Buffer {
  const head = Buffer.allocUnsafe(6)
  head.writeUInt32BE(siteNum >>> 0, 0)
  head.writeUInt8(ip.length, 4)
  head.writeUInt8(0, 5)
  return createHash('sha256').update(salt).update(head).update(ip).update(userAgent).digest().subarray(0, VISITOR_ID_BYTES)
}
