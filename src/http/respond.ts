/**
 * Writing answers with uWebSockets.js. Every function here must be called either synchronously inside
 * a uWS callback or inside `res.cork()` (uWebSockets.js#920), and never after the request was aborted
 * (touching an aborted response throws: uWebSockets.js#123). An answer to HEAD gets its headers and
 * Content-Length, and no body (./head.ts).
 * @module
 */
import { STATUS_CODES } from 'node:http'
import type { HttpRequest, HttpResponse } from '../native/uws.js'
import { nativeString } from '../native/native-string.js'
import type { Refusal } from '../errors/index.js'
import { endAnswer } from './head.js'
import { echoesOrigin } from './origin.js'
import { writeSecurityHeaders } from './security-headers.js'

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK',
  202: '202 Accepted',
  204: '204 No Content',
  400: '400 Bad Request',
  404: '404 Not Found',
  405: '405 Method Not Allowed',
  413: '413 Payload Too Large',
  415: '415 Unsupported Media Type',
  429: '429 Too Many Requests',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
}

/** `401 Unauthorized`: the table for the common ones, Node's reason phrases for the rest (a 401 read `401 Status`). */
export function statusLine(status: number): string {
  return STATUS_TEXT[status] ?? `${status} ${STATUS_CODES[status] ?? 'Status'}`
}

/**
 * Every answer hitring writes starts here: the status line, then the headers every answer carries
 * (./security-headers.ts: nosniff, and HSTS with an https public URL).
 */
export function writeHead(res: HttpResponse, status: string | ArrayBuffer): void {
  res.writeStatus(status)
  writeSecurityHeaders(res)
}

const ACCEPTED = nativeString(statusLine(202))
const ALLOW_ORIGIN = nativeString('Access-Control-Allow-Origin')
const ALLOW_CREDENTIALS = nativeString('Access-Control-Allow-Credentials')
const TRUE = nativeString('true')
const VARY = nativeString('Vary')
const ORIGIN = nativeString('Origin')
const CONTENT_TYPE = nativeString('Content-Type')
const APPLICATION_JSON = nativeString('application/json')

/**
 * CORS headers of the ingest routes: the Origin is echoed on every answer, errors included — unless it
 * is none, or not an origin at all (./origin.ts): then the answer has no CORS headers.
 */
export function writeCors(res: HttpResponse, origin: string): void {
  if (origin === '' || !echoesOrigin(origin)) return
  res.writeHeader(ALLOW_ORIGIN, origin)
  res.writeHeader(ALLOW_CREDENTIALS, TRUE)
  res.writeHeader(VARY, ORIGIN)
}

/** The status line and CORS headers of an ingest route's 202 (the caller may add headers, then ends). */
export function writeAccepted(res: HttpResponse, origin: string): void {
  writeHead(res, ACCEPTED)
  writeCors(res, origin)
}

export function sendError(res: HttpResponse, err: Refusal, origin = '', closeConnection = false): void {
  writeHead(res, statusLine(err.status))
  writeCors(res, origin)
  if (err.headers) for (const [k, v] of Object.entries(err.headers)) res.writeHeader(k, v)
  res.writeHeader(CONTENT_TYPE, APPLICATION_JSON)
  endAnswer(res, JSON.stringify(err.body), closeConnection)
}

export function sendJson(res: HttpResponse, status: number, body: unknown): void {
  writeHead(res, statusLine(status))
  res.writeHeader('Content-Type', 'application/json')
  endAnswer(res, JSON.stringify(body))
}

export function sendText(res: HttpResponse, status: number, contentType: string, body: string): void {
  writeHead(res, statusLine(status))
  res.writeHeader('Content-Type', contentType)
  endAnswer(res, body)
}

// The preflight's constant status line and headers, as bytes (see nativeString).
const ORIGIN_REQUEST_HEADER = nativeString('origin')
const NO_CONTENT = nativeString(statusLine(204))
const PREFLIGHT_VARY = nativeString('Origin, Access-Control-Request-Method, Access-Control-Request-Headers')
const ALLOW_METHODS = nativeString('Access-Control-Allow-Methods')
const ALLOW_HEADERS = nativeString('Access-Control-Allow-Headers')
const MAX_AGE = nativeString('Access-Control-Max-Age')
const POST = nativeString('POST')
// X-Hitring-Ack: durable lets a page ask for durable acknowledgement (src/pipeline/acks.ts).
const ALLOWED_HEADERS = nativeString('Content-Type, X-Hitring-Ack')
const ONE_DAY = nativeString('86400')

/**
 * CORS preflight: always 204, never rate-limited (HitKeep does the same); CORS headers as {@link writeCors} decides.
 */
export function preflightHandler(res: HttpResponse, req: HttpRequest): void {
  const origin = req.getHeader(ORIGIN_REQUEST_HEADER)
  writeHead(res, NO_CONTENT)
  res.writeHeader(VARY, PREFLIGHT_VARY)
  if (origin !== '' && echoesOrigin(origin)) {
    res.writeHeader(ALLOW_ORIGIN, origin)
    res.writeHeader(ALLOW_CREDENTIALS, TRUE)
    res.writeHeader(ALLOW_METHODS, POST)
    res.writeHeader(ALLOW_HEADERS, ALLOWED_HEADERS)
    res.writeHeader(MAX_AGE, ONE_DAY)
  }
  res.endWithoutBody()
}
