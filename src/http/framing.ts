/**
 * A request with more than one Content-Length header is refused: 400 `invalid_content_length`, and the
 * connection closed (RFC 9112 §6.3: differing values are an unrecoverable framing error).
 *
 * Why it is ours to do: the parser of the pinned uWebSockets.js build frames a body by the FIRST
 * Content-Length and lets the request through (uWebSockets v20.43 src/HttpParser.h, `getHeader("content-length")`).
 * A proxy in front that takes the last one forwards a different body, and the bytes between are parsed
 * here as a request of its own — request smuggling (RFC 9112 §11.2) — whose answer the proxy then hands
 * to whoever's request it forwards next. uWS.js shows only a header's first value through `getHeader`;
 * `req.forEach` walks every header, at ~80 ns each (a call from C++ into JS with two new strings): the
 * whole cost of the check (bench/header-walk.bench.ts). Identical repeated values are refused as well —
 * RFC 9110 §8.6 allows either; one rule, no value to compare, and what Node's own parser (llhttp) does.
 *
 * Why the answer waits for the end of the current read (setImmediate): while a request is unanswered,
 * uWS closes the connection if the same read holds another request ("Are we not ready for another
 * request yet? Terminate the connection.", src/HttpContext.h) — whereas a 400 written at once, even
 * with `Connection: close`, lets uWS go on to parse and route the smuggled bytes of that same read (tried:
 * the second request's handler ran). So a lone request gets its 400 and the connection is closed; with
 * more requests in the same read, the connection is closed without an answer and none of them runs.
 * @module
 */
import type { HttpRequest, HttpResponse } from '../native/uws.js'

export type Handler = (res: HttpResponse, req: HttpRequest) => void

/** The route registration the route files use: uWS's `TemplatedApp`, or {@link framedRoutes} of it. */
export interface Routes {
  get(pattern: string, handler: Handler): unknown
  post(pattern: string, handler: Handler): unknown
  head(pattern: string, handler: Handler): unknown
  options(pattern: string, handler: Handler): unknown
  any(pattern: string, handler: Handler): unknown
}

let lengths = 0
// One shared callback: nothing is allocated per request.
const countLength = (name: string): void => {
  if (name === 'content-length') lengths++ // uWS lower-cases header names
}

/** How many Content-Length headers the request has. Synchronously, in the handler (`req` is stack-allocated). */
export function contentLengthCount(req: HttpRequest): number {
  lengths = 0
  req.forEach(countLength)
  return lengths
}

/**
 * Answers a request with a repeated Content-Length once the current read is parsed (see above).
 * `answer` writes the 400 with `Connection: close`; it runs corked, and never after an abort.
 * For a handler that has attached no `onAborted` of its own (this attaches one).
 */
export function refuseAfterRead(res: HttpResponse, answer: () => void): void {
  let aborted = false
  res.onAborted(() => {
    aborted = true
  })
  setImmediate(() => {
    if (!aborted) res.cork(answer)
  })
}

/**
 * Every handler registered through the result refuses a repeated Content-Length before it runs
 * (`refuse` writes the answer). The browser ingest routes are registered on the app itself: their one
 * header walk counts Content-Length on the way (./ingest-headers.ts).
 */
export function framedRoutes(app: Routes, refuse: (res: HttpResponse) => void): Routes {
  const guard =
    (handler: Handler): Handler =>
    (res, req) => {
      if (contentLengthCount(req) > 1) return refuseAfterRead(res, () => refuse(res))
      handler(res, req)
    }
  return {
    get: (pattern, handler) => app.get(pattern, guard(handler)),
    post: (pattern, handler) => app.post(pattern, guard(handler)),
    head: (pattern, handler) => app.head(pattern, guard(handler)),
    options: (pattern, handler) => app.options(pattern, guard(handler)),
    any: (pattern, handler) => app.any(pattern, guard(handler)),
  }
}
