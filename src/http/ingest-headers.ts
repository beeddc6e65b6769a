/**
 * The headers of a browser ingest request, read in one walk over the request that also counts its
 * Content-Length headers (a repeated one is refused: ./framing.ts).
 *
 * The count needs the walk (`req.forEach`: uWS.js shows only a header's first value otherwise), and
 * the walk hands over every header anyway — so the route takes the ones it reads from it, instead of
 * seven `getHeader` calls on top. Measured on the same requests (bench/header-walk.bench.ts, medians),
 * a Chrome beacon of 17 headers: seven `getHeader` 0.34 µs; those plus a counting walk 1.73 µs; this
 * walk alone 1.42 µs (5 headers: 0.32, 0.75, 0.44). Like `getHeader`, the first of repeated headers wins.
 * @module
 */
import type { HttpRequest } from '../native/uws.js'
import type { RequestFacts } from './filters.js'

/** What the drop filters read (./filters.ts), and what the route reads besides. */
export interface IngestHeaders extends RequestFacts {
  hitringAck: string
  contentType: string
  /** The first Content-Length ('' when none): what uWS framed the body by. */
  contentLength: string
  forwardedFor: string
  /** How many Content-Length headers the request has. */
  contentLengths: number
}

// The walk's target: one object for every request, so nothing is allocated per header or per request.
// Undefined while a header is not yet seen (first wins), '' after the walk when it never was.
const seen: { [K in keyof IngestHeaders]: K extends 'contentLengths' ? number : string | undefined } = {
  origin: undefined,
  userAgent: undefined,
  secPurpose: undefined,
  purpose: undefined,
  dnt: undefined,
  secGpc: undefined,
  hitringAck: undefined,
  contentType: undefined,
  contentLength: undefined,
  forwardedFor: undefined,
  contentLengths: 0,
}

function visit(name: string, value: string): void {
  // uWS lower-cases header names. Most headers of a request are none of ours: a switch on the length
  // rejects them with one integer compare, where a switch on the name would compare up to ten strings.
  switch (name.length) {
    case 3:
      if (name === 'dnt') seen.dnt ??= value
      break
    case 6:
      if (name === 'origin') seen.origin ??= value
      break
    case 7:
      if (name === 'purpose') seen.purpose ??= value
      else if (name === 'sec-gpc') seen.secGpc ??= value
      break
    case 10:
      if (name === 'user-agent') seen.userAgent ??= value
      break
    case 11:
      if (name === 'sec-purpose') seen.secPurpose ??= value
      break
    case 12:
      if (name === 'content-type') seen.contentType ??= value
      break
    case 13:
      if (name === 'x-hitring-ack') seen.hitringAck ??= value
      break
    case 14:
      if (name === 'content-length') {
        seen.contentLength ??= value
        seen.contentLengths++
      }
      break
    case 15:
      if (name === 'x-forwarded-for') seen.forwardedFor ??= value
      break
  }
}

/** Synchronously, at the top of the handler (`req` is stack-allocated in uWS). A new object per call. */
export function readIngestHeaders(req: HttpRequest): IngestHeaders {
  seen.origin = seen.userAgent = seen.secPurpose = seen.purpose = seen.dnt = seen.secGpc = undefined
  seen.hitringAck = seen.contentType = seen.contentLength = seen.forwardedFor = undefined
  seen.contentLengths = 0
  req.forEach(visit)
  return {
    origin: seen.origin ?? '',
    userAgent: seen.userAgent ?? '',
    secPurpose: seen.secPurpose ?? '',
    purpose: seen.purpose ?? '',
    dnt: seen.dnt ?? '',
    secGpc: seen.secGpc ?? '',
    hitringAck: seen.hitringAck ?? '',
    contentType: seen.contentType ?? '',
    contentLength: seen.contentLength ?? '',
    forwardedFor: seen.forwardedFor ?? '',
    contentLengths: seen.contentLengths,
  }
}
