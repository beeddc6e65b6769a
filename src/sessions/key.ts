/**
 * The 64-bit key of a session in its lane's table (./table.ts): which events belong together.
 *
 * - Without a client session id: the visitor — the first 8 bytes of the salted visitor id
 *   (src/identity/visitor.ts), already a keyed hash; 64 bits per (salt day, site) make a collision
 *   between two visitors of one site and day ~n²/2^65 (3·10^-8 at a million visitors).
 * - With hk.js's `session_id` (a tab's events, even when the visitor's address changes): two 32-bit
 *   FNV-1a hashes of the id, their offset bases taken from the day's secret salt, so nobody can choose
 *   an id that lands on somebody else's session without knowing the salt.
 * @module
 */
import { KeyTag, type SessionTableKey } from './layout.js'

export function visitorSessionKey(day: number, site: number, visitor: Uint8Array): SessionTableKey {
  const h0 = (visitor[0]! | (visitor[1]! << 8) | (visitor[2]! << 16) | (visitor[3]! << 24)) >>> 0
  const h1 = (visitor[4]! | (visitor[5]! << 8) | (visitor[6]! << 16) | (visitor[7]! << 24)) >>> 0
  return { tag: KeyTag.VISITOR, day, site, h0, h1 }
}

export function clientSessionKey(day: number, site: number, sessionId: string, salt: Uint8Array): SessionTableKey {
  let a = (0x811c9dc5 ^ (salt[0]! | (salt[1]! << 8) | (salt[2]! << 16) | (salt[3]! << 24))) >>> 0
  let b = (0x811c9dc5 ^ (salt[4]! | (salt[5]! << 8) | (salt[6]! << 16) | (salt[7]! << 24))) >>> 0
  for (let i = 0; i < sessionId.length; i++) {
    const c = sessionId.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13)
  }
  return { tag: KeyTag.CLIENT_SESSION, day, site, h0: a >>> 0, h1: b >>> 0 }
}
