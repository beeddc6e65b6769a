/**
 * Everything the API reads from a uWS request, read at once: `HttpRequest` is only valid during the
 * synchronous part of the handler (uWebSockets.js docs, "HttpRequest is stack allocated").
 * @module
 */
import type { HttpRequest, HttpResponse } from '../native/uws.js'
import type { CidrSet } from '../net/ip.js'
import { clientIp } from '../http/client.js'

export interface RequestFacts {
  method: string
  path: string
  query: string
  ip: Uint8Array
  cookie: string
  authorization: string
  apiKey: string
  origin: string
  referer: string
  secFetchSite: string
  /** For the CSRF check without a public URL: the origin the request reached (./csrf.ts). */
  host: string
  contentType: string
  contentLength: string
  transferEncoding: string
}

export function readFacts(res: HttpResponse, req: HttpRequest, trusted: CidrSet): RequestFacts {
  return {
    method: req.getMethod().toUpperCase(),
    path: req.getUrl(),
    query: req.getQuery() ?? '',
    ip: clientIp(res, req, trusted),
    cookie: req.getHeader('cookie'),
    authorization: req.getHeader('authorization'),
    apiKey: req.getHeader('x-api-key'),
    origin: req.getHeader('origin'),
    referer: req.getHeader('referer'),
    secFetchSite: req.getHeader('sec-fetch-site'),
    host: req.getHeader('host'),
    contentType: req.getHeader('content-type'),
    contentLength: req.getHeader('content-length'),
    transferEncoding: req.getHeader('transfer-encoding'),
  }
}

/** The value of one cookie (the first, if sent twice), or ''. */
export function cookieValue(header: string, name: string): string {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() === name)
      return part
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
  }
  return ''
}

/** A query string as an object: a key given once is a string, a key repeated is an array of strings. */
export function parseQuery(query: string): Record<string, string | string[]> {
  // No prototype: a key named __proto__ is data, not a way to change what the object inherits.
  const out: Record<string, string | string[]> = Object.create(null)
  for (const [key, value] of new URLSearchParams(query)) {
    const seen = out[key]
    if (seen === undefined) out[key] = value
    else if (Array.isArray(seen)) seen.push(value)
    else out[key] = [seen, value]
  }
  return out
}
