/**
 * Who is asking: the client IP (the socket peer, or — only when the peer is a configured trusted
 * proxy — the right-most untrusted X-Forwarded-For hop). Its ring lane: ./lane.ts.
 * @module
 */
import type { HttpRequest, HttpResponse } from '../native/uws.js'
import { nativeString } from '../native/native-string.js'
import { clientIpFromForwarded, ipv4Word, normaliseIpBytes, parseIpv4, type CidrSet } from '../net/ip.js'

const X_FORWARDED_FOR = nativeString('x-forwarded-for')

/**
 * Must be called synchronously at the top of a handler: `req` is stack-allocated in uWS.
 *
 * The same answer as `clientIpFromForwarded(peer, xff, trusted)`, cheaper for what nearly every request
 * is: an IPv4 peer and, behind a proxy, one plain IPv4 address in X-Forwarded-For. The header is read
 * only when the peer is trusted (it is ignored otherwise), and anything else takes the general walk.
 * `forwardedFor`: the header's value when the caller has read it already (./ingest-headers.ts).
 */
export function clientIp(res: HttpResponse, req: HttpRequest, trusted: CidrSet, forwardedFor?: string): Uint8Array {
  // One getpeername(2) per call (us_socket_remote_address,
  // https://github.com/uNetworking/uSockets/blob/master/src/socket.c) and an ArrayBuffer: ~0.7 µs, the largest single
  // cost of an event on this thread; uWS.js offers no per-connection alternative (and `res` is a new object per
  // request, so nothing to cache it on).
  const raw = new Uint8Array(res.getRemoteAddress())
  const word = ipv4Word(raw)
  if (word < 0) return viaProxy(normaliseIpBytes(raw), req, trusted, forwardedFor)
  if (!trusted.hasV4(word)) return normaliseIpBytes(raw)
  const xff = forwardedFor ?? req.getHeader(X_FORWARDED_FOR)
  if (xff === '') return normaliseIpBytes(raw)
  // One token and no comma: the walk would look at that token alone and fall back to the peer.
  const hop = parseIpv4(xff)
  if (hop === null) return clientIpFromForwarded(normaliseIpBytes(raw), xff, trusted)
  return trusted.hasV4(ipv4Word(hop)) ? normaliseIpBytes(raw) : hop
}

function viaProxy(peer: Uint8Array, req: HttpRequest, trusted: CidrSet, forwardedFor: string | undefined): Uint8Array {
  if (!trusted.has(peer)) return peer
  const xff = forwardedFor ?? req.getHeader(X_FORWARDED_FOR)
  return xff === '' ? peer : clientIpFromForwarded(peer, xff, trusted)
}
