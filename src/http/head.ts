/**
 * Answers to HEAD (RFC 9110 §9.3.2): the status and headers the same GET would get, its Content-Length
 * included, and no content. An answer to HEAD that carries a body is worse than untidy: on a keep-alive
 * connection the client takes those bytes for the start of the next answer.
 *
 * Routes registered through {@link headAware} mark the response of a HEAD request (a `head` route always,
 * an `any` route by its method), and every writer — ./respond.ts, src/api/reply.ts, the tracker and the
 * dashboard — ends its answer with {@link endAnswer}, which leaves the body out for a marked one. So a
 * route writes its answer once, for GET and HEAD alike. The browser ingest routes are POST routes
 * registered on the app itself: their 202 path has no method check and no mark to look up.
 *
 * The pinned uWebSockets.js build (20.30) has `endWithoutBody(reportedContentLength, closeConnection)`
 * in its typings, but any length leaves the response open and the process aborts ("Returning from a
 * request handler without responding or attaching an abort handler is forbidden!"; tried with 42, NaN,
 * and `undefined, true`). So the length is written as a header of our own and the answer ended with a
 * bare `endWithoutBody()`, which adds none. The one exception is an answer that must also close the
 * connection (a repeated Content-Length, the API shutting down): only `endWithoutBody(0, true)` closes
 * without a body, and it writes `Content-Length: 0` itself — a wrong length, on an error that ends the
 * connection anyway, rather than a body or a connection left open to the next request.
 * @module
 */
import type { HttpResponse } from '../native/uws.js'
import type { Handler, Routes } from './framing.js'

/** Responses to HEAD requests. Only HEADs are added: a lookup of any other response finds no entry. */
const heads = new WeakSet<HttpResponse>()

/** Whether `res` answers a HEAD request (of a route registered through {@link headAware}). */
export function isHead(res: HttpResponse): boolean {
  return heads.has(res)
}

const CONTENT_LENGTH = 'Content-Length'

/** Ends an answer with `body` — or, to a HEAD, with the length `body` has and no content. */
export function endAnswer(res: HttpResponse, body: string | Buffer, closeConnection = false): void {
  if (!heads.has(res)) {
    res.end(body, closeConnection)
    return
  }
  if (closeConnection) {
    res.endWithoutBody(0, true) // see above: the only way this build closes without a body
    return
  }
  res.writeHeader(CONTENT_LENGTH, String(typeof body === 'string' ? Buffer.byteLength(body) : body.length))
  res.endWithoutBody()
}

const markHead =
  (handler: Handler): Handler =>
  (res, req) => {
    heads.add(res)
    handler(res, req)
  }

const markIfHead =
  (handler: Handler): Handler =>
  (res, req) => {
    if (req.getMethod() === 'head') heads.add(res) // uWS lower-cases the method
    handler(res, req)
  }

/** Routes whose handlers' answers to HEAD have no body (see above). Marks before `routes` runs anything. */
export function headAware(routes: Routes): Routes {
  return {
    get: (pattern, handler) => routes.get(pattern, handler),
    post: (pattern, handler) => routes.post(pattern, handler),
    options: (pattern, handler) => routes.options(pattern, handler),
    head: (pattern, handler) => routes.head(pattern, markHead(handler)),
    any: (pattern, handler) => routes.any(pattern, markIfHead(handler)),
  }
}
