/**
 * Writing answers with uWebSockets.js. Every function here must be called either synchronously inside
 * a uWS callback or inside `res.cork()` (uWebSockets.js#920), and never after the request was aborted
 * (touching an aborted response throws: uWebSockets.js#123).
 * @module
 */
import type { HttpResponse } from '../native/uws.js'
import type { HttpError } from './errors.js'

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

export function statusLine(status: number): string {
  return STATUS_TEXT[status] ?? `${status} Status`
}

/** CORS headers of the ingest routes: the Origin is echoed on every answer, errors included. */
export function writeCors(res: HttpResponse, origin: string): void {
  if (origin === '') return
  res.writeHeader('Access-Control-Allow-Origin', origin)
  res.writeHeader('Access-Control-Allow-Credentials', 'true')
  res.writeHeader('Vary', 'Origin')
}

export function sendError(res: HttpResponse, err: HttpError, origin = '', closeConnection = false): void {
  res.writeStatus(statusLine(err.status))
  writeCors(res, origin)
  if (err.headers) for (const [k, v] of Object.entries(err.headers)) res.writeHeader(k, v)
  res.writeHeader('Content-Type', 'application/json')
  res.end(JSON.stringify(err.body), closeConnection)
}

export function sendJson(res: HttpResponse, status: number, body: unknown): void {
  res.writeStatus(statusLine(status))
  res.writeHeader('Content-Type', 'application/json')
  res.end(JSON.stringify(body))
}

export function sendText(res: HttpResponse, status: number, contentType: string, body: string): void {
  res.writeStatus(statusLine(status))
  res.writeHeader('Content-Type', contentType)
  res.end(body)
}
