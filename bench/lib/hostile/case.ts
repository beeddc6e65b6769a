/**
 * One generated request and how it is to be sent and judged.
 * @module
 */
import { serialize, type RequestSpec } from './wire.js'

/** The families of the summary table; each has its own builder in ./families/. */
export const FAMILIES = [
  'ingest',
  'preflight',
  'server-ingest',
  'batch',
  'api',
  'static',
  'ops',
  'unknown',
  'headers',
  'protocol',
  'cut',
] as const
export type Family = (typeof FAMILIES)[number]

export interface SoloOptions {
  /** Write the head, wait up to this long for an early answer (a declared length over a limit), then the body. */
  headFirstMs?: number
  /** After the last byte, how long to wait for an answer. */
  waitMs: number
  /** `head`: only the head of the answer is read (HEAD); `stream`: the same for a Server-Sent Events answer. */
  read?: 'head' | 'stream'
  /** After the answer, keep listening this long: a second answer means a smuggled request was served. */
  listenAfterMs?: number
  /** Close our sending side (FIN) after the last byte. */
  endAfterWrite?: boolean
  /** Send only this fraction of the head (and nothing after it). */
  cutHeadAt?: number
}

/**
 * uWebSockets.js 20.30's own limits, measured with raw sockets (bench/README.md, "Hostile-input fuzzer"):
 * a request with more header lines than this is left unanswered until the ~10 s idle timeout
 * (https://github.com/uNetworking/uWebSockets/issues/1779); one whose head is over ~125 KiB is closed
 * without an answer; and one whose head is over 4 KiB is closed without an answer when it arrives in more
 * than one read — split by TCP, or by the reads of a pipelined stream — and answered when it arrives in
 * one (MAX_FALLBACK_SIZE, https://github.com/uNetworking/uWebSockets/issues/1487).
 */
export const UWS_MAX_HEADERS = 48
export const UWS_HEAD_BYTES = 120 * 1024
export const UWS_SPLIT_HEAD_BYTES = 4 * 1024

export interface HostileCase {
  index: number
  family: Family
  /** The mutation, e.g. `deep-nesting`, `cl-te`. */
  kind: string
  /** The route aimed at, as `METHOD /path/:param` (what the summary counts). */
  route: string
  /** The method as sent; `HEAD` answers have no body. */
  method: string
  head: Buffer
  body: Buffer
  /** `pipeline`: keep-alive, several in flight per connection. `solo`: a connection of its own. */
  solo: SoloOptions | null
  /**
   * Null: an answer is required. Otherwise the name of the malformed-protocol condition under which a
   * close or silence without an answer is acceptable (the report lists them).
   */
  noAnswer: string | null
}

export interface Draft {
  family: Family
  kind: string
  route: string
  spec: RequestSpec
  solo?: SoloOptions
  noAnswer?: string
}

/**
 * Pipelined unless the draft asks for its own connection; HEAD always alone, listening on after its head:
 * any bytes after it would be a body (a violation, ./oracle.ts).
 */
export function finish(index: number, d: Draft): HostileCase {
  const { head, body } = serialize(d.spec)
  const method = d.spec.method
  let solo = d.solo ?? null
  // Whatever else the draft asks for (the head first, for a body over a limit): an answer to HEAD ends with its head.
  if (method === 'HEAD') solo = { waitMs: 10_000, ...solo, read: 'head', listenAfterMs: solo?.listenAfterMs ?? 20 }
  let noAnswer = d.noAnswer ?? null
  if (noAnswer === null) {
    const lines = countLines(head) - 2 // the request line and the empty line
    if (lines > UWS_MAX_HEADERS)
      noAnswer = `more than ${UWS_MAX_HEADERS} header lines (uWS: no answer until its idle timeout)`
    else if (head.length > UWS_HEAD_BYTES) noAnswer = 'head over ~125 KiB (uWS closes)'
    if (noAnswer !== null) solo = { ...solo, waitMs: 400 }
    else if (head.length > UWS_SPLIT_HEAD_BYTES) {
      // Alone, in one write: usually one read, so usually answered — and judged when it is.
      noAnswer = 'head over 4 KiB (uWS closes it when it arrives in more than one read)'
      solo ??= { waitMs: 10_000 }
    }
  }
  return { index, family: d.family, kind: d.kind, route: d.route, method, head, body, solo, noAnswer }
}

function countLines(head: Buffer): number {
  let n = 0
  for (let at = head.indexOf(10); at >= 0; at = head.indexOf(10, at + 1)) n++
  return n
}
