/**
 * Writing API answers. Like src/http/respond.ts, every function here must run synchronously inside a
 * uWS callback or inside `res.cork()`, and never after an abort (see ./handler.ts, which guards both).
 * @module
 */
import type { HttpResponse } from '../native/uws.js'
import type { Refusal } from '../errors/index.js'
import { endAnswer } from '../http/head.js'
import { statusLine, writeHead } from '../http/respond.js'
import type { JsonReply } from './types.js'

/** Private data: never cached by a shared cache (never sniffed either: writeHead's nosniff). */
function commonHeaders(res: HttpResponse): void {
  res.writeHeader('Cache-Control', 'no-store')
}

export function writeReply(res: HttpResponse, reply: JsonReply, closeConnection = false): void {
  writeHead(res, statusLine(reply.status))
  commonHeaders(res)
  for (const [k, v] of Object.entries(reply.headers ?? {})) res.writeHeader(k, v)
  if (reply.status === 204) {
    // No arguments: this uWS build turns an explicit `undefined` length into Content-Length: 2^63.
    res.endWithoutBody()
    return
  }
  res.writeHeader('Content-Type', 'application/json')
  endAnswer(res, JSON.stringify(reply.body), closeConnection) // to a HEAD: no body (../http/head.ts)
}

export function writeError(res: HttpResponse, err: Refusal, closeConnection = false): void {
  writeReply(res, { status: err.status, body: err.body, headers: err.headers }, closeConnection)
}
