/**
 * Who is asking: the client IP (the socket peer, or — only when the peer is a configured trusted
 * proxy — the right-most untrusted X-Forwarded-For hop) and the ring lane that client's events go to.
 * @module
 */
import type { HttpRequest, HttpResponse } from '../native/uws.js'
import { clientIpFromForwarded, normaliseIpBytes, type CidrSet } from '../net/ip.js'

/** Must be called synchronously at the top of a handler: `req` is stack-allocated in uWS. */
export function clientIp(res: HttpResponse, req: HttpRequest, trusted: CidrSet): Uint8Array {
  const peer = normaliseIpBytes(new Uint8Array(res.getRemoteAddress()))
  const xff = req.getHeader('x-forwarded-for')
  return xff === '' ? peer : clientIpFromForwarded(peer, xff, trusted)
}

/**
 * The lane (ring) of a client: every event of one client IP goes to one lane, so a visitor's events are
 * drained in order by one task at a time (sessions need that), whatever the number of workers.
 */
export function laneOf(ip: Uint8Array, laneMask: number): number {
  let h = 0x811c9dc5
  for (let i = 0; i < ip.length; i++) h = Math.imul(h ^ ip[i]!, 0x01000193)
  return (h ^ (h >>> 16)) & laneMask
}
