/**
 * What a hostile request may get back. Pass: a status under 500, or a 503 with a documented code; every
 * 4xx a JSON body with a string `code` and `message` (and `field` = `fields[0].field` when given); no
 * body after the head of an answer to HEAD; no 429 (the run raises every limit, so a 429 means the cases
 * did not reach their handlers); an answer required for every well-formed request — a close or silence is accepted only
 * for the malformed conditions a case names (`noAnswer`); never bytes that are not HTTP; never a second answer to one
 * request (a smuggled request served).
 * @module
 */
import type { HostileCase } from './case.js'
import type { Outcome } from './transport.js'

/** The 503 codes the README documents (storage_unavailable: a full or failing disk, being added in parallel). */
export const DOCUMENTED_503 = new Set(['ingest_queue_full', 'shutting_down', 'not_stored', 'storage_unavailable'])

/** Known, being fixed elsewhere: a duplicate differing Content-Length is taken (its second request may be served). */
const TOLERATED_SECOND_ANSWER = new Set(['dup-cl'])

export type Verdict = { ok: true; notes: string[] } | { ok: false; why: string; notes: string[] }

function errorBodyProblem(body: Buffer, contentType: string): string | null {
  if (!/^application\/json\b/i.test(contentType))
    return `Content-Type ${JSON.stringify(contentType)}, not application/json`
  let json: unknown
  try {
    json = JSON.parse(body.toString('utf8'))
  } catch {
    return `body is not JSON: ${JSON.stringify(body.subarray(0, 120).toString('utf8'))}`
  }
  if (typeof json !== 'object' || json === null) return 'body is not a JSON object'
  const e = json as { code?: unknown; message?: unknown; field?: unknown; fields?: Array<{ field?: unknown }> }
  if (typeof e.code !== 'string' || typeof e.message !== 'string')
    return `no string code and message: ${JSON.stringify(json).slice(0, 160)}`
  if (e.fields !== undefined && (!Array.isArray(e.fields) || e.fields[0]?.field !== e.field))
    return 'field is not fields[0].field'
  return null
}

function isBatchAnswer(body: Buffer): boolean {
  try {
    const a = JSON.parse(body.toString('utf8')) as {
      accepted?: unknown
      rejected?: Array<{ code?: unknown; message?: unknown }>
    }
    return (
      typeof a.accepted === 'number' &&
      Array.isArray(a.rejected) &&
      a.rejected.length > 0 &&
      a.rejected.every((r) => typeof r.code === 'string' && typeof r.message === 'string')
    )
  } catch {
    return false
  }
}

export function judge(c: HostileCase, o: Outcome): Verdict {
  const notes: string[] = []
  if (o.kind === 'closed' || o.kind === 'silent') {
    if (c.noAnswer !== null) return { ok: true, notes }
    return {
      ok: false,
      why: o.kind === 'closed' ? 'connection closed without an answer' : 'no answer within 10 s (a hang)',
      notes,
    }
  }
  if (o.kind === 'garbled') return { ok: false, why: `not an HTTP answer: ${o.error}`, notes }
  const { status, headers, body } = o.answer
  const contentType = headers.get('content-type') ?? ''
  const head = c.method === 'HEAD'
  // RFC 9110 §9.3.2; on a keep-alive connection the client would read those bytes as the next answer.
  if (o.headBody) return { ok: false, why: `HEAD answered with a body (${o.headBody} bytes after its head)`, notes }
  if (o.second) {
    const why = `a second answer (${o.second.status}) on the connection: a smuggled request was served`
    if (!TOLERATED_SECOND_ANSWER.has(c.kind)) return { ok: false, why, notes }
    notes.push('smuggled request served (tolerated: duplicate Content-Length, being fixed)')
  }
  if (status === 429) return { ok: false, why: '429: a rate limit was reached (the run raises them all)', notes }
  if (status >= 500) {
    if (status !== 503 || head) return { ok: false, why: `status ${status}`, notes }
    let code = ''
    try {
      code = String((JSON.parse(body.toString('utf8')) as { code?: unknown }).code)
    } catch {
      // judged below
    }
    if (DOCUMENTED_503.has(code)) return { ok: true, notes: [...notes, `503 ${code}`] }
    if (code === 'not_ready' && c.route.endsWith('/readyz'))
      return { ok: true, notes: [...notes, '503 not_ready on /readyz'] }
    return { ok: false, why: `503 with an undocumented code ${JSON.stringify(code)}`, notes }
  }
  if (status === 400 && c.route === 'POST /api/ingest/batch' && isBatchAnswer(body)) {
    // Documented: a batch whose every item was refused answers 400 with the batch answer (each refusal
    // with its code). One without items has none to refuse: that is the catalogue's `empty_batch`.
    return { ok: true, notes }
  }
  if (status >= 400 && !head) {
    const problem = errorBodyProblem(body, contentType)
    if (problem !== null) return { ok: false, why: `${status}: ${problem}`, notes }
  }
  if (status < 300 && !head && /^application\/json\b/i.test(contentType) && body.length > 0) {
    try {
      JSON.parse(body.toString('utf8'))
    } catch {
      return { ok: false, why: `${status} with a JSON Content-Type and a body that is not JSON`, notes }
    }
  }
  return { ok: true, notes }
}
