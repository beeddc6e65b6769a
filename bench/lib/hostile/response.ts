/**
 * Reads HTTP/1.1 responses off a byte stream, one at a time, in order (pipelining): the status line,
 * the headers, then the body by Content-Length or chunked coding; interim 1xx answers (`100 Continue`)
 * are skipped. A response to HEAD, 204 or 304 has no body by definition (RFC 9110 §6.3) — except that
 * the caller may ask to take what follows a HEAD answer as a body (some error answers carry one).
 * @module
 */

export interface Answer {
  status: number
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Map<string, string>
  body: Buffer
  /** The answer asked for the connection to be closed. */
  close: boolean
}

export class ProtocolError extends Error {}

const CRLFCRLF = Buffer.from('\r\n\r\n')

export class ResponseReader {
  #buf: Buffer = Buffer.alloc(0)

  push(chunk: Buffer): void {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk])
  }

  /** Bytes received and not yet taken by a response. */
  get pending(): number {
    return this.#buf.length
  }

  /**
   * The next complete response, or null while incomplete. `head`: return as soon as the head is in (an
   * answer to HEAD); `stream`: the same for a Server-Sent Events answer, the whole answer otherwise.
   * Throws ProtocolError on bytes that are no HTTP response.
   */
  next(mode: 'full' | 'head' | 'stream' = 'full'): Answer | null {
    for (;;) {
      const end = this.#buf.indexOf(CRLFCRLF)
      if (end < 0) {
        if (
          this.#buf.length > 0 &&
          !'HTTP/1.'.startsWith(this.#buf.subarray(0, 7).toString('latin1').slice(0, this.#buf.length))
        ) {
          throw new ProtocolError(
            `not an HTTP response: ${JSON.stringify(this.#buf.subarray(0, 40).toString('latin1'))}`,
          )
        }
        if (this.#buf.length > 1 << 20) throw new ProtocolError('response head over 1 MiB')
        return null
      }
      const lines = this.#buf.subarray(0, end).toString('latin1').split('\r\n')
      const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0]!)
      if (!m) throw new ProtocolError(`bad status line ${JSON.stringify(lines[0])}`)
      const status = Number(m[1])
      const headers = new Map<string, string>()
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':')
        if (colon <= 0) throw new ProtocolError(`bad header line ${JSON.stringify(line)}`)
        const name = line.slice(0, colon).toLowerCase()
        const value = line.slice(colon + 1).trim()
        headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value)
      }
      const bodyAt = end + 4
      if (status >= 100 && status < 200) {
        this.#buf = this.#buf.subarray(bodyAt)
        continue
      }
      const close = /\bclose\b/i.test(headers.get('connection') ?? '')
      const headOnly =
        mode === 'head' || (mode === 'stream' && /^text\/event-stream/i.test(headers.get('content-type') ?? ''))
      if (headOnly || status === 204 || status === 304) {
        this.#buf = this.#buf.subarray(bodyAt)
        return { status, headers, body: Buffer.alloc(0), close }
      }
      const te = headers.get('transfer-encoding')
      if (te !== undefined && /chunked/i.test(te)) {
        const decoded = decodeChunked(this.#buf, bodyAt)
        if (decoded === null) return null
        this.#buf = this.#buf.subarray(decoded.end)
        return { status, headers, body: decoded.body, close }
      }
      const cl = headers.get('content-length')
      if (cl === undefined) throw new ProtocolError(`status ${status} without Content-Length or chunked coding`)
      if (!/^\d+$/.test(cl)) throw new ProtocolError(`bad Content-Length ${JSON.stringify(cl)}`)
      const length = Number(cl)
      if (this.#buf.length < bodyAt + length) return null
      const body = Buffer.from(this.#buf.subarray(bodyAt, bodyAt + length))
      this.#buf = this.#buf.subarray(bodyAt + length)
      return { status, headers, body, close }
    }
  }

  /** Takes whatever is buffered (the rest of an answer to HEAD, when the server sent a body anyway). */
  drain(): Buffer {
    const rest = this.#buf
    this.#buf = Buffer.alloc(0)
    return rest
  }
}

function decodeChunked(buf: Buffer, at: number): { body: Buffer; end: number } | null {
  const parts: Buffer[] = []
  for (;;) {
    const eol = buf.indexOf('\r\n', at)
    if (eol < 0) return null
    const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16)
    if (!Number.isFinite(size)) throw new ProtocolError('bad chunk size in a response')
    if (size === 0) {
      const trailerEnd = buf.indexOf(CRLFCRLF, eol)
      if (buf.subarray(eol, eol + 4).equals(CRLFCRLF)) return { body: Buffer.concat(parts), end: eol + 4 }
      if (trailerEnd < 0) return null
      return { body: Buffer.concat(parts), end: trailerEnd + 4 }
    }
    if (buf.length < eol + 2 + size + 2) return null
    parts.push(buf.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
}
