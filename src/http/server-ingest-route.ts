/**
 * Server-side ingestion: HitKeep's `POST /api/ingest/server/pageview` and `/event`, and the batch
 * endpoint `POST /api/ingest/batch` (a JSON array or NDJSON of up to 10,000 items). Authenticated by an
 * API client token with the owner or editor role on each item's site, limited per token (not per IP),
 * idempotent by item `id`, acknowledged fast (in the ring) or durably (committed and flushed).
 *
 * Like the browser routes, this handler runs on the HTTP thread and never waits: it validates, pushes
 * one ring record per item (lane by the visitor's IP; a dropped item's is a drop record, for the site's
 * count) and answers — or, in durable mode, parks the answer until the drain reports every lane it
 * used for accepted items as committed (src/pipeline/acks.ts).
 * @module
 */
import type { HttpRequest, HttpResponse } from '../native/uws.js'
import type { RateLimiter } from '../limiter/index.js'
import type { DurableAcks } from '../pipeline/acks.js'
import { EventKind } from '../ingest/index.js'
import { Limits } from '../event/index.js'
import { refuse, type Refusal } from '../errors/index.js'
import { readBody } from './body.js'
import { sendError, sendJson, writeAccepted } from './respond.js'
import { TokenAuth } from './token-auth.js'
import { processItems, type ItemOutcome, type ItemsContext } from './server-items.js'

export interface ServerIngestContext extends ItemsContext {
  /** Per token (keyed by the token's hash). */
  limiters: { serverIngest: RateLimiter }
  acks: DurableAcks
  ackMode: 'fast' | 'durable'
  batchMaxItems: number
  batchMaxBytes: number
  published(): void
  isClosing(): boolean
  /** False while the store cannot write (src/ops/store-health.ts): new events are refused at once with 503. */
  storeWritable(): boolean
}

type Route = 'pageview' | 'event' | 'batch'

/** Splits a batch body: a JSON array, or one JSON value per line (NDJSON). */
function parseBatch(text: string, ndjson: boolean): { ok: true; items: unknown[] } | { ok: false; error: Refusal } {
  if (!ndjson) {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (err) {
      return { ok: false, error: refuse('invalid_json', (err as Error).message) }
    }
    if (!Array.isArray(json))
      return {
        ok: false,
        error: refuse('invalid_field', [
          { field: '(body)', message: 'must be a JSON array of items (or send NDJSON)' },
        ]),
      }
    return { ok: true, items: json }
  }
  const items: unknown[] = []
  let line = 0
  for (const raw of text.split('\n')) {
    line++
    if (raw.trim() === '') continue
    try {
      items.push(JSON.parse(raw))
    } catch (err) {
      return { ok: false, error: refuse('invalid_json', `line ${line}: ${(err as Error).message}`) }
    }
  }
  return { ok: true, items }
}

export function serverIngestHandler(ctx: ServerIngestContext, route: Route) {
  const auth = new TokenAuth(ctx.store, ctx.now)
  const limiter = ctx.limiters.serverIngest
  const laneMask = ctx.rings.length - 1
  const accepted = ctx.metrics.accepted.with({ kind: 'server' })

  return (res: HttpResponse, req: HttpRequest): void => {
    const authorization = req.getHeader('authorization')
    const apiKey = req.getHeader('x-api-key')
    const contentType = req.getHeader('content-type').split(';', 1)[0]!.trim().toLowerCase()
    const declared = req.getHeader('content-length')
    const durable = ctx.ackMode === 'durable' || req.getHeader('x-hitring-ack') === 'durable'
    const fail = (err: Refusal, close = false): void => {
      ctx.metrics.rejected.inc({ code: err.body.code })
      sendError(res, err, '', close)
    }

    if (ctx.isClosing()) return fail(refuse('shutting_down', 'event'), true)
    if (!ctx.storeWritable()) return fail(refuse('storage_unavailable'))
    const caller = auth.resolve(authorization, apiKey)
    if (!caller) return fail(refuse('unauthorized', 'token'))
    const waitMs = limiter.admit(caller.key)
    if (waitMs > 0) return fail(refuse('rate_limited', 'token', Math.max(1, Math.ceil(waitMs / 1000))))

    const ndjson = contentType === 'application/x-ndjson'
    if (contentType !== '' && contentType !== 'application/json' && !(route === 'batch' && ndjson)) {
      return fail(refuse('unsupported_media_type', route === 'batch' ? 'batch' : 'json', contentType), true)
    }
    const limit = route === 'batch' ? ctx.batchMaxBytes : Limits.bodyBytes
    const declaredLength = declared === '' ? 0 : Number(declared)
    if (!(declaredLength <= limit)) return fail(refuse('body_too_large', limit), true)

    let aborted = false
    res.onAborted(() => {
      aborted = true
    })
    readBody(res, declaredLength, limit, (outcome) => {
      if (aborted) return
      if (!outcome.ok) return fail(refuse('body_too_large', limit), true)
      const text = outcome.body.toString('utf8')
      let items: unknown[]
      if (route === 'batch') {
        const parsed = parseBatch(text, ndjson)
        if (!parsed.ok) return fail(parsed.error)
        if (parsed.items.length === 0) return fail(refuse('empty_batch'))
        if (parsed.items.length > ctx.batchMaxItems)
          return fail(refuse('batch_too_large', parsed.items.length, ctx.batchMaxItems), true)
        items = parsed.items
      } else {
        try {
          items = [JSON.parse(text)]
        } catch (err) {
          return fail(refuse('invalid_json', (err as Error).message))
        }
      }

      const kindOf = route === 'pageview' ? EventKind.Pageview : route === 'event' ? EventKind.Custom : null
      const result = processItems(ctx, caller.principal, items, kindOf, laneMask)
      if (result.accepted > 0) accepted.inc(result.accepted)
      if (result.accepted > 0 || result.dropRecords > 0) ctx.published()
      const answer = (): void => {
        if (route === 'batch') return answerBatch(res, result.outcomes)
        const only = result.outcomes[0]!
        if (only.kind === 'error') return fail(only.error)
        writeAccepted(res, '') // no CORS: a backend's request
        if (only.kind === 'dropped') res.writeHeader('X-Hitring-Drop', only.reason)
        res.end()
      }
      // Dropped items put drop records in the ring but are not waited for: nothing of theirs is stored.
      if (!durable || result.waits.size === 0) return answer()
      // Durable: answer when every lane this request wrote accepted items to has committed past them.
      let pending = result.waits.size
      let lost = false
      for (const [lane, position] of result.waits) {
        ctx.acks.wait(lane, position, (stored) => {
          lost ||= !stored
          if (--pending > 0 || aborted) return
          res.cork(() => (lost ? fail(refuse('not_stored')) : answer()))
        })
      }
    })
  }
}

function answerBatch(res: HttpResponse, outcomes: ItemOutcome[]): void {
  const rejected: Array<{ index: number; code: string; message: string; field?: string }> = []
  const duplicates: number[] = []
  const dropped: Array<{ index: number; reason: string }> = []
  let accepted = 0
  outcomes.forEach((o, index) => {
    if (o.kind === 'accepted') accepted++
    else if (o.kind === 'duplicate') duplicates.push(index)
    else if (o.kind === 'dropped') {
      accepted++ // acknowledged, deliberately not stored (dnt, exclusions…): visible here and in /metrics
      dropped.push({ index, reason: o.reason })
    } else
      rejected.push({
        index,
        code: o.error.body.code,
        message: o.error.body.message,
        ...(o.error.body.field ? { field: o.error.body.field } : {}),
      })
  })
  // A retried batch whose items were all accepted before is a success too: nothing was refused.
  const status = accepted + duplicates.length > 0 ? 202 : 400
  sendJson(res, status, { accepted, rejected, duplicates, dropped })
}
