/**
 * `POST /ingest/event` and `POST /ingest` — the seed's contract. The handler runs on the HTTP thread and
 * never blocks: the headers in one walk (a repeated Content-Length refused) → limiter (before the body
 * is read) → body with a hard limit → JSON → validation → site → one ring record → 202. The drain
 * workers do everything else.
 * @module
 */
import type { HttpRequest, HttpResponse } from '../native/uws.js'
import type { RateLimiter } from '../limiter/index.js'
import { limiterKeyBytes, type CidrSet } from '../net/ip.js'
import type { RingWriter } from '../ring/index.js'
import { EventKind, validatePayload, enqueueEvent } from '../ingest/index.js'
import { Limits, type DropReasonName } from '../event/index.js'
import type { DurableAcks } from '../pipeline/acks.js'
import { siteHostFromOrigin, type KnownSite, type SiteDirectory } from '../store/index.js'
import type { EngineMetrics } from '../ops/engine-metrics.js'
import { refuse, type Refusal } from '../errors/index.js'
import { readBody } from './body.js'
import { clientIp } from './client.js'
import { eventLane } from './lane.js'
import { countDrop } from './drop-record.js'
import { browserDnt, dropReasonFor, type FilterOptions } from './filters.js'
import { refuseAfterRead } from './framing.js'
import { readIngestHeaders } from './ingest-headers.js'
import { nativeString } from '../native/native-string.js'
import { sendError, writeAccepted } from './respond.js'

export interface IngestContext {
  /** Per client IP (IPv6 by /64). */
  limiters: { ingest: RateLimiter }
  trustedProxies: CidrSet
  sites: SiteDirectory
  rings: RingWriter[]
  metrics: EngineMetrics
  filters: FilterOptions
  /** `fast`: 202 once in the ring; `durable`: 202 once committed and flushed (see src/pipeline/acks.ts). */
  ackMode: 'fast' | 'durable'
  acks: DurableAcks
  /** Called after a record is published, to schedule a drain. */
  published(): void
  /** True once shutdown began: new events are refused with 503 rather than risked. */
  isClosing(): boolean
  /** False while the store cannot write (src/ops/store-health.ts): new events are refused at once with 503. */
  storeWritable(): boolean
  now(): number
}

const HITRING_DROP = nativeString('X-Hitring-Drop')

/** The media type of a Content-Type value, lower-case and without parameters. */
function mediaTypeOf(contentType: string): string {
  // What nearly every tracker sends needs no split, trim and lower-casing.
  if (contentType === 'application/json') return contentType
  return contentType.split(';', 1)[0]!.trim().toLowerCase()
}

export function ingestHandler(ctx: IngestContext, kind: EventKind) {
  const limiter = ctx.limiters.ingest
  const laneMask = ctx.rings.length - 1
  const kindLabel = { kind: kind === EventKind.Custom ? 'event' : 'pageview' }
  const accepted = ctx.metrics.accepted.with(kindLabel)
  // End-to-end tests' events stay visible apart from visitors' (hk.js's data-allow-webdriver).
  const automated = ctx.metrics.automated.with(kindLabel)
  const fail = (res: HttpResponse, origin: string, err: Refusal, close = false): void => {
    ctx.metrics.rejected.inc({ code: err.body.code })
    sendError(res, err, origin, close)
  }

  /** 202 with the reason in a header; counted in /metrics and, via a drop record, in the site's rollup. */
  const acceptDropped = (
    res: HttpResponse,
    origin: string,
    reason: DropReasonName,
    ring: RingWriter | null,
    siteNum: number,
    receivedAt: number,
  ): void => {
    if (countDrop(ctx.metrics, ring, receivedAt, siteNum, reason) >= 0) ctx.published()
    writeAccepted(res, origin)
    res.writeHeader(HITRING_DROP, reason)
    res.end()
  }

  return (res: HttpResponse, req: HttpRequest): void => {
    // Everything from `req` is read now, in one walk: it is only valid during this call.
    const facts = readIngestHeaders(req)
    const { origin, userAgent } = facts
    // Before anything else: a request framed ambiguously is not one to act on (./framing.ts).
    if (facts.contentLengths > 1)
      return refuseAfterRead(res, () => fail(res, origin, refuse('invalid_content_length'), true))
    const durable = ctx.ackMode === 'durable' || facts.hitringAck === 'durable'
    const contentType = facts.contentType
    const declared = facts.contentLength
    const ip = clientIp(res, req, ctx.trustedProxies, facts.forwardedFor)
    const receivedAt = ctx.now()

    if (ctx.isClosing()) return fail(res, origin, refuse('shutting_down', 'event'), true)
    if (!ctx.storeWritable()) return fail(res, origin, refuse('storage_unavailable'))
    const waitMs = limiter.admit(limiterKeyBytes(ip))
    if (waitMs > 0) {
      ctx.metrics.rateLimited.inc()
      return fail(res, origin, refuse('rate_limited', 'address', Math.max(1, Math.ceil(waitMs / 1000))))
    }
    const mediaType = mediaTypeOf(contentType)
    if (mediaType !== '' && mediaType !== 'application/json' && mediaType !== 'text/plain') {
      return fail(res, origin, refuse('unsupported_media_type', 'json or beacon', mediaType), true)
    }
    const declaredLength = declared === '' ? 0 : Number(declared)
    if (declaredLength > Limits.bodyBytes) return fail(res, origin, refuse('body_too_large', Limits.bodyBytes), true)

    let aborted = false
    res.onAborted(() => {
      aborted = true
    })
    readBody(res, declaredLength, Limits.bodyBytes, (outcome) => {
      if (aborted) return
      if (!outcome.ok) return fail(res, origin, refuse('body_too_large', Limits.bodyBytes), true)
      const body = outcome.body

      let json: unknown
      try {
        json = JSON.parse(body.toString('utf8'))
      } catch (err) {
        return fail(res, origin, refuse('invalid_json', (err as Error).message))
      }
      // The Origin is also where HitKeep's tracker payloads get their page URL (src/ingest/hitkeep-payload.ts).
      const checked = validatePayload(kind, json, origin)
      if (!checked.ok) return fail(res, origin, refuse('invalid_field', checked.fields))

      let site: KnownSite | undefined
      if (checked.value.siteId !== undefined) {
        site = ctx.sites.byId(checked.value.siteId)
        if (!site) return fail(res, origin, refuse('unknown_site', 'id', checked.value.siteId))
      } else {
        const host = origin === '' ? null : siteHostFromOrigin(origin)
        if (host === null) return fail(res, origin, refuse('missing_site_id'))
        site = ctx.sites.byDomain(host)
        // Like HitKeep, an unknown Origin does not learn whether a site exists — but the drop is visible.
        if (!site) return acceptDropped(res, origin, 'unknown_site_origin', null, 0, receivedAt)
      }
      const siteNum = site.record.num
      const lane = eventLane(ip, checked.value.sessionId, laneMask)
      const ring = ctx.rings[lane]!
      const dropReason = dropReasonFor(facts, browserDnt(facts, ctx.filters), ip, checked.value, site)
      if (dropReason !== null) return acceptDropped(res, origin, dropReason, ring, siteNum, receivedAt)

      const position = enqueueEvent(ring, { receivedAt, siteNum, kind, ip, userAgent, payload: checked.value })
      if (position < 0) return fail(res, origin, refuse('ingest_queue_full'))
      ctx.published()
      accepted.inc()
      if (checked.value.webdriver) automated.inc()
      if (durable) {
        // Answer once the commit holding this event is flushed; the HTTP thread does not wait for it.
        return ctx.acks.wait(lane, position, (stored) => {
          if (aborted) return
          res.cork(() => {
            if (!stored) return fail(res, origin, refuse('not_stored'))
            writeAccepted(res, origin)
            res.end()
          })
        })
      }
      writeAccepted(res, origin)
      res.end()
    })
  }
}
