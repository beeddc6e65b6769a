/**
 * Reads a request body with a hard limit: a declared Content-Length over the limit is refused before a
 * byte is read, and a chunked body is cut off (413 and the connection closed) the moment it passes the
 * limit — it is never buffered.
 * @module
 */
import type { HttpResponse } from '../native/uws.js'

export type BodyOutcome = { ok: true; body: Buffer } | { ok: false; tooLarge: true }

/**
 * Calls `done` once with the whole body (or the too-large outcome), synchronously inside the uWS
 * onData callback, so the caller may answer without corking. `res.onAborted` must already be attached.
 */
export function readBody(
  res: HttpResponse,
  declaredLength: number,
  limit: number,
  done: (outcome: BodyOutcome) => void,
): void {
  let buffer: Buffer | null = null
  let length = 0
  let finished = false
  res.onData((chunk, isLast) => {
    if (finished) return
    if (length + chunk.byteLength > limit) {
      finished = true
      return done({ ok: false, tooLarge: true })
    }
    if (isLast && buffer === null) {
      // The common case: the whole body in one chunk. Use it in place (uWS neuters it when we return,
      // and the caller finishes with it synchronously).
      finished = true
      return done({ ok: true, body: Buffer.from(chunk) })
    }
    const bytes = new Uint8Array(chunk)
    if (buffer === null) buffer = Buffer.allocUnsafe(Math.min(limit, Math.max(declaredLength, 1024)))
    if (length + bytes.length > buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(limit, Math.max(buffer.length * 2, length + bytes.length)))
      buffer.copy(grown, 0, 0, length)
      buffer = grown
    }
    buffer.set(bytes, length)
    length += bytes.length
    if (isLast) {
      finished = true
      done({ ok: true, body: buffer.subarray(0, length) })
    }
  })
}
