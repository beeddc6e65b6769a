/**
 * HTTP/1.1 requests as bytes. node:http refuses most of what the fuzzer sends (duplicate
 * Content-Length, obs-fold, bare LF, bytes over 0x7F in the request line…), so requests are written by
 * hand and sent over raw sockets (./transport.ts).
 * @module
 */

export type Bytes = string | Buffer

export interface RequestSpec {
  method: string
  /** Path and query as sent (a Buffer may hold bytes that are not UTF-8). */
  target: Bytes
  /** In order, repeats allowed; names and values written as they are. */
  headers: Array<[Bytes, Bytes]>
  body?: Buffer
  /**
   * `length` (default with a body): a Content-Length matching the body is added unless one is given;
   * `chunked`: the body is sent in chunks (`chunkSizes`, else one chunk) with Transfer-Encoding added;
   * `none`: nothing added, the body written as it is after the head.
   */
  framing?: 'length' | 'chunked' | 'none'
  chunkSizes?: number[]
  /** Line ending of the head (a bare LF is a protocol error to test). */
  eol?: string
  version?: string
}

/** Strings are written as UTF-8; a Buffer as it is (for bytes that are not UTF-8). */
export const toBuf = (b: Bytes): Buffer => (typeof b === 'string' ? Buffer.from(b, 'utf8') : b)

export function hasHeader(spec: RequestSpec, name: string): boolean {
  const lower = name.toLowerCase()
  return spec.headers.some(([n]) => toBuf(n).toString('latin1').toLowerCase() === lower)
}

/** Chunked transfer coding of `body` in pieces of the given sizes (the rest in one last chunk). */
export function chunked(body: Buffer, sizes: number[] = []): Buffer {
  const parts: Buffer[] = []
  let at = 0
  for (const size of sizes) {
    if (at >= body.length) break
    const piece = body.subarray(at, at + Math.max(1, size))
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'))
    at += piece.length
  }
  if (at < body.length)
    parts.push(Buffer.from(`${(body.length - at).toString(16)}\r\n`), body.subarray(at), Buffer.from('\r\n'))
  parts.push(Buffer.from('0\r\n\r\n'))
  return Buffer.concat(parts)
}

/** The head (request line and headers, up to and including the empty line) and the body as framed. */
export function serialize(spec: RequestSpec): { head: Buffer; body: Buffer } {
  const eol = spec.eol ?? '\r\n'
  const headers = [...spec.headers]
  const framing = spec.framing ?? (spec.body && spec.body.length > 0 ? 'length' : 'none')
  let body = spec.body ?? Buffer.alloc(0)
  if (framing === 'length' && !hasHeader(spec, 'content-length')) headers.push(['Content-Length', String(body.length)])
  if (framing === 'chunked') {
    if (!hasHeader(spec, 'transfer-encoding')) headers.push(['Transfer-Encoding', 'chunked'])
    body = chunked(body, spec.chunkSizes)
  }
  const parts: Buffer[] = [
    Buffer.from(`${spec.method} `, 'latin1'),
    toBuf(spec.target),
    Buffer.from(` ${spec.version ?? 'HTTP/1.1'}${eol}`, 'latin1'),
  ]
  for (const [name, value] of headers) parts.push(toBuf(name), Buffer.from(': '), toBuf(value), Buffer.from(eol))
  parts.push(Buffer.from(eol))
  return { head: Buffer.concat(parts), body }
}

/** Printable form of request bytes for a report: ASCII as is, everything else as \xNN, cut to `max`. */
export function printable(bytes: Buffer, max = 600): string {
  let out = ''
  for (let i = 0; i < Math.min(bytes.length, max); i++) {
    const c = bytes[i]!
    if (c === 13) out += '\\r'
    else if (c === 10) out += '\\n\n'
    else if (c >= 32 && c < 127) out += String.fromCharCode(c)
    else out += `\\x${c.toString(16).padStart(2, '0')}`
  }
  return bytes.length > max ? `${out}… (${bytes.length} bytes in all)` : out
}
