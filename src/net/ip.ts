/**
 * IP helpers for the limiter and the trusted-proxy logic: parse, normalise, format, CIDR match and the
 * `X-Forwarded-For` walk. Pure functions over `Uint8Array`s (4 bytes for IPv4, 16 for IPv6); IPv4-mapped
 * IPv6 (`::ffff:0:0/96`) is always folded to the 4-byte form, so `1.2.3.4` and `::ffff:1.2.3.4` are one
 * client (uWS reports IPv4 peers of a dual-stack socket in the mapped form, uNetworking/uWebSockets#1873).
 * @module
 */

/** `::ffff:0:0/96`: ten zero bytes then `ff ff`. */
function isMapped(b: Uint8Array): boolean {
  if (b.length !== 16 || b[10] !== 0xff || b[11] !== 0xff) return false
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false
  return true
}

/** Strict dotted quad in text[s, e) written to out[off..off+3]: 4 decimal parts, no leading zeros
 *  (`010` is octal to inet_aton and decimal to others, so refuse it rather than guess). */
function parseV4(text: string, s: number, e: number, out: Uint8Array, off: number): boolean {
  let part = 0
  let val = 0
  let digits = 0
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      if (digits > 0 && val === 0) return false
      val = val * 10 + (c - 48)
      if (++digits > 3 || val > 255) return false
    } else if (c === 46 && digits > 0 && part < 3) {
      out[off + part++] = val
      val = 0
      digits = 0
    } else return false
  }
  if (digits === 0 || part !== 3) return false
  out[off + 3] = val
  return true
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  c |= 0x20 // ASCII lower-case
  return c >= 97 && c <= 102 ? c - 87 : -1
}

/** RFC 4291 section 2.2 text forms in text[s, e): full, `::`-compressed, trailing dotted quad. No zone ids. */
function parseV6(text: string, s: number, e: number): Uint8Array | null {
  const out = new Uint8Array(16)
  let g = 0 // groups written
  let gap = -1 // group index where `::` stands
  let i = s
  if (e - i >= 2 && text.charCodeAt(i) === 58 && text.charCodeAt(i + 1) === 58) {
    gap = 0
    i += 2
    if (i === e) return out
  }
  while (i < e) {
    let j = i
    let val = 0
    for (let h: number; j < e && j - i < 5 && (h = hexVal(text.charCodeAt(j))) >= 0; j++) val = val * 16 + h
    if (j === i) return null // empty group: `:::`, leading `:`, trailing `:`
    if (j < e && text.charCodeAt(j) === 46) {
      // Embedded IPv4 must be the last 32 bits.
      if (g > 6 || !parseV4(text, i, e, out, g * 2)) return null
      g += 2
      break
    }
    if (j - i > 4 || g === 8) return null
    out[g * 2] = val >> 8
    out[g * 2 + 1] = val & 0xff
    g++
    i = j
    if (i === e) break
    if (text.charCodeAt(i) !== 58) return null // `%zone` and any other junk
    if (++i < e && text.charCodeAt(i) === 58) {
      if (gap >= 0) return null
      gap = g
      if (++i === e) break
    } else if (i === e) return null
  }
  if (gap < 0) return g === 8 ? out : null
  if (g > 7) return null // `::` stands for at least one zero group
  const tail = (g - gap) * 2
  out.copyWithin(16 - tail, gap * 2, g * 2)
  out.fill(0, gap * 2, 16 - tail)
  return out
}

/**
 * Parses an IPv4 dotted quad or any RFC 4291 IPv6 text form (optionally in brackets, `[::1]`).
 * IPv4-mapped IPv6 comes back as 4 bytes. Zone ids (`fe80::1%eth0`), ports, whitespace → `null`.
 * Never throws.
 * @example parseIp('::ffff:10.0.0.1') // Uint8Array [10, 0, 0, 1]
 */
export function parseIp(text: string): Uint8Array | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > 47) return null
  let s = 0
  let e = text.length
  let v6 = false
  if (text.charCodeAt(0) === 91) {
    if (text.charCodeAt(e - 1) !== 93) return null
    s = 1
    e -= 1
    v6 = true // RFC 3986 IP-literal: brackets hold IPv6 only
  } else {
    for (let i = 0; i < e && !v6; i++) v6 = text.charCodeAt(i) === 58
  }
  if (!v6) {
    const out = new Uint8Array(4)
    return e <= 15 && parseV4(text, s, e, out, 0) ? out : null
  }
  const out = parseV6(text, s, e)
  return out === null ? null : normaliseIpBytes(out)
}

/**
 * Normalises raw address bytes (e.g. `new Uint8Array(res.getRemoteAddress())` from uWebSockets.js):
 * IPv4-mapped 16-byte addresses become a fresh 4-byte array; anything else is returned as given.
 */
export function normaliseIpBytes(raw: Uint8Array): Uint8Array {
  return isMapped(raw) ? raw.slice(12, 16) : raw
}

/**
 * Canonical text: dotted quad, or RFC 5952 IPv6 (lower-case, no leading zeros, the longest run of two or
 * more zero groups — the first on a tie — as `::`, IPv4-mapped as `::ffff:a.b.c.d`).
 * @throws RangeError unless `bytes` has 4 or 16 bytes.
 */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`
  if (bytes.length !== 16) throw new RangeError(`formatIp: expected 4 or 16 bytes, got ${bytes.length}`)
  if (isMapped(bytes)) return `::ffff:${formatIp(bytes.subarray(12))}`
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!)
  let best = -1
  let bestLen = 1 // RFC 5952 4.2.2: never compress a single group
  for (let i = 0; i < 8; ) {
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen) [best, bestLen] = [i, j - i]
    i = j === i ? i + 1 : j
  }
  const hex = (a: number, b: number) =>
    groups
      .slice(a, b)
      .map((g) => g.toString(16))
      .join(':')
  return best < 0 ? hex(0, 8) : `${hex(0, best)}::${hex(best + bestLen, 8)}`
}

/** A network: `bytes` (4 or 16, host bits cleared) and a prefix length in bits. */
export interface Cidr {
  bytes: Uint8Array
  prefix: number
}

/**
 * Parses `addr/prefix` or a bare address (= /32 or /128). An IPv4-mapped network with prefix >= 96
 * becomes the IPv4 network (`::ffff:10.0.0.0/104` → `10.0.0.0/8`). Invalid → `null`.
 */
export function parseCidr(text: string): Cidr | null {
  if (typeof text !== 'string') return null
  const slash = text.indexOf('/')
  const addr = slash < 0 ? text : text.slice(0, slash)
  const ip = parseIp(addr)
  if (ip === null) return null
  const textIsV6 = addr.includes(':')
  let prefix = textIsV6 ? 128 : 32
  if (slash >= 0) {
    const p = text.slice(slash + 1)
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > prefix) return null
    prefix = Number(p)
  }
  let bytes = ip.slice()
  if (textIsV6 && ip.length === 4) {
    if (prefix >= 96) prefix -= 96
    else bytes = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...ip) // wider than ::ffff:0:0/96
  }
  for (let bit = prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7))
  return { bytes, prefix }
}

/** Byte k of `ip` seen as 16 bytes when `as16` (its mapped form `::ffff:a.b.c.d`), else as is. */
function byteAt(ip: Uint8Array, k: number, as16: boolean): number {
  if (!as16) return ip[k]!
  return k < 10 ? 0 : k < 12 ? 0xff : ip[k - 12]!
}

/** True when `ip` (any form; a mapped address is matched as IPv4) lies inside `cidr`. */
export function cidrContains(cidr: Cidr, ip: Uint8Array): boolean {
  ip = normaliseIpBytes(ip)
  const { bytes, prefix } = cidr
  // A 16-byte network (e.g. ::/0 or ::ffff:0:0/95) holds IPv4 addresses through their mapped form.
  const as16 = bytes.length === 16 && ip.length === 4
  if (!as16 && bytes.length !== ip.length) return false
  let k = 0
  for (; (k + 1) * 8 <= prefix; k++) if (bytes[k] !== byteAt(ip, k, as16)) return false
  const rest = prefix - k * 8
  if (rest === 0) return true
  const mask = (0xff00 >> rest) & 0xff
  return (bytes[k]! & mask) === (byteAt(ip, k, as16) & mask)
}

/**
 * A fixed set of networks (the trusted proxies), validated once at start-up.
 * @throws Error naming the first invalid entry.
 */
export class CidrSet {
  readonly #v4: Cidr[] = []
  readonly #v6: Cidr[] = []
  /** The IPv4 networks as (network, mask) 32-bit word pairs: {@link hasV4} runs once per request. */
  readonly #v4Words: Int32Array
  /** An IPv6 network holds every IPv4 address (through `::ffff:0:0/96`, e.g. `::/0`). */
  readonly #v6HoldsAllV4: boolean
  /** An IPv6 network holds only part of the IPv4 space, so {@link hasV4} must ask {@link has}. */
  readonly #v6HoldsSomeV4: boolean
  constructor(list: string[]) {
    for (const entry of list) {
      const cidr = typeof entry === 'string' ? parseCidr(entry.trim()) : null
      if (cidr === null) throw new Error(`invalid IP or CIDR in trusted proxy list: ${JSON.stringify(entry)}`)
      ;(cidr.bytes.length === 4 ? this.#v4 : this.#v6).push(cidr)
    }
    this.#v4Words = Int32Array.from(
      this.#v4.flatMap((c) => [ipv4Word(c.bytes), c.prefix === 0 ? 0 : -1 << (32 - c.prefix)]),
    )
    // A network reaches into ::ffff:0:0/96 only if it shares its first min(prefix, 96) bits with it: with
    // a prefix of 96 or less it then holds all of IPv4, with a longer one (not made by parseCidr) a part.
    const reachesV4 = (c: Cidr): boolean => cidrContains({ bytes: c.bytes, prefix: Math.min(c.prefix, 96) }, ANY_V4)
    this.#v6HoldsAllV4 = this.#v6.some((c) => c.prefix <= 96 && reachesV4(c))
    this.#v6HoldsSomeV4 = this.#v6.some((c) => c.prefix > 96 && reachesV4(c))
  }
  has(ipBytes: Uint8Array): boolean {
    const ip = normaliseIpBytes(ipBytes)
    if (ip.length === 4) for (const c of this.#v4) if (cidrContains(c, ip)) return true
    for (const c of this.#v6) if (cidrContains(c, ip)) return true
    return false
  }
  /** {@link has} for an IPv4 address given as its 32-bit word ({@link ipv4Word}), without allocating. */
  hasV4(word: number): boolean {
    if (this.#v6HoldsAllV4) return true
    if (this.#v6HoldsSomeV4) return this.has(Uint8Array.of(word >>> 24, word >>> 16, word >>> 8, word))
    const w = this.#v4Words
    for (let i = 0; i < w.length; i += 2) if (((word ^ w[i]!) & w[i + 1]!) === 0) return true
    return false
  }
}

/** 0.0.0.0, to ask whether a network reaches into the IPv4(-mapped) space. */
const ANY_V4 = new Uint8Array(4)

/**
 * The IPv4 address in `b` (4 bytes, or 16 bytes IPv4-mapped) as an unsigned 32-bit word, or -1 when `b`
 * holds no IPv4 address. Lets the per-request path test trust without a normalised copy.
 */
export function ipv4Word(b: Uint8Array): number {
  let o = 0
  if (b.length === 16 && isMapped(b)) o = 12
  else if (b.length !== 4) return -1
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0
}

/** A strict dotted quad ({@link parseIp}'s IPv4 rules) as 4 bytes, or null for anything else. */
export function parseIpv4(text: string): Uint8Array | null {
  const out = new Uint8Array(4)
  return text.length <= 15 && parseV4(text, 0, text.length, out, 0) ? out : null
}

/**
 * The bytes the rate limiter keys on: an IPv4 address as is, an IPv6 address by its /64 (one subscriber
 * routinely gets a whole /64, so per-/128 keys would let one client rotate through 2^64 buckets).
 */
export function limiterKeyBytes(ip: Uint8Array): Uint8Array {
  ip = normaliseIpBytes(ip)
  return ip.length === 16 ? ip.subarray(0, 8) : ip
}

/** One `X-Forwarded-For` token: an address, also `[v6]:port` and `v4:port` as some proxies write them. */
function parseForwardedToken(t: string): Uint8Array | null {
  const ip = parseIp(t)
  if (ip !== null || t.length === 0) return ip
  const m = /^(?:\[([^\]]+)\]|([0-9.]+)):[0-9]{1,5}$/.exec(t)
  return m === null ? null : parseIp(m[1] ?? m[2]!)
}

/** Right-most hops examined; real proxy chains are a handful long and the header is client-extensible. */
const MAX_HOPS = 32

/**
 * The client address for a request that arrived from `peer` (socket address).
 *
 * If `peer` is not a trusted proxy, `X-Forwarded-For` is ignored (anyone can send it). Otherwise the
 * tokens are walked right to left (the right-most ones were appended by our own proxies) and the first
 * valid address that is not itself trusted is the client. The left-most value is never taken blindly:
 * it is whatever the client chose to send. Unparsable tokens are skipped; note this trusts the proxies
 * to append real addresses (a proxy writing `unknown` would let the token left of it through).
 * If every token is trusted or invalid, the peer is returned.
 * @example clientIpFromForwarded(proxy, 'spoofed, 203.0.113.9, 10.0.0.2', new CidrSet(['10.0.0.0/8']))
 */
export function clientIpFromForwarded(peer: Uint8Array, xff: string, trusted: CidrSet): Uint8Array {
  const p = normaliseIpBytes(peer)
  if (typeof xff !== 'string' || xff.length === 0 || !trusted.has(p)) return p
  let end = xff.length
  for (let hop = 0; hop < MAX_HOPS && end >= 0; hop++) {
    const comma = xff.lastIndexOf(',', end - 1)
    const ip = parseForwardedToken(xff.slice(comma + 1, end).trim())
    if (ip !== null && !trusted.has(ip)) return ip
    if (comma <= 0) break
    end = comma
  }
  return p
}
