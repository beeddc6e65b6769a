/**
 * The one uWS handler behind `/api/*`: a small async pipeline with a single error boundary.
 *
 *   read the request (sync) → onAborted → shutting down? → renew the read snapshot → match the route
 *   → per-IP limiter (api or auth) → 404/405 → credentials (401/403) → CSRF (403) → path and query
 *   validation (400) → body: media type (415), size (413), JSON (400), validation (400)
 *   → handler (async) → answer, corked, never after an abort.
 *
 * Anything a handler throws reaches one boundary: a {@link Refusal} of the error catalogue (src/errors/ —
 * from the routes, the admin ops and the query layer) is answered as it is, and everything else — a bug,
 * never bad input — as a logged JSON 500.
 * @module
 */
import type { HttpRequest, HttpResponse } from '../native/uws.js'
import { limiterKeyBytes } from '../net/ip.js'
import { refuse, Refusal } from '../errors/index.js'
import { readBody } from '../http/body.js'
import { isHead } from '../http/head.js'
import { resolveCredentials } from './access.js'
import { crossSiteReason, originOf } from './csrf.js'
import { writeReply } from './reply.js'
import { parseQuery, readFacts } from './request.js'
import type { Router } from './router.js'
import { endStreamHead, type SseStream } from './sse.js'
import type { StreamRegistry } from './streams.js'
import type { ApiDeps, JsonReply, Principal, Reply } from './types.js'
import { check } from './validate.js'

/** Request bodies of the API are small JSON documents. */
export const API_BODY_LIMIT = 64 * 1024

export function apiHandler(deps: ApiDeps, router: Router, streams: StreamRegistry) {
  return (res: HttpResponse, req: HttpRequest): void => {
    const facts = readFacts(res, req, deps.trustedProxies)
    let aborted = false
    /** Set once an answer is ended or a stream started: uWS must never be told to answer twice. */
    let answered = false
    let stream: SseStream | null = null
    res.onAborted(() => {
      aborted = true
      stream?.aborted()
    })

    const send = (reply: JsonReply, close = false): void => {
      if (aborted || answered) return
      answered = true
      res.cork(() => writeReply(res, reply, close))
    }
    const fail = (err: Refusal, close = false): void =>
      send({ status: err.status, body: err.body, headers: err.headers }, close)
    const boundary = (err: unknown): void => {
      const known = err instanceof Refusal ? err : null
      if (known === null) deps.logger.error({ err, method: facts.method, path: facts.path }, 'API request failed')
      if (stream?.open) stream.end() // a stream that failed while starting: end it rather than leave it silent
      fail(known ?? refuse('internal_error'))
    }
    const deliver = (reply: Reply): void => {
      if (aborted || answered) return
      if ('stream' in reply) {
        const owner = { ...reply.watcher, ip: facts.ip }
        const refused = streams.refusal(owner)
        if (refused) return fail(refused)
        answered = true
        // HEAD: the stream's status and headers, and no stream (nothing to count or to push to).
        if (isHead(res)) {
          res.cork(() => endStreamHead(res))
          return
        }
        stream = streams.open(res, owner)
        reply.stream(stream)
        return
      }
      send(reply)
    }

    try {
      if (deps.isClosing()) return fail(refuse('shutting_down', 'request'), true)
      // Drain commits and admin writes happen in workers: read the latest committed snapshot.
      deps.store.env.resetReadTxn()
      const match = router.match(facts.method, facts.path)
      const limit = match.kind === 'route' ? match.route.limit : 'api'
      if (limit !== 'none') {
        const waitMs = deps.limiters[limit].admit(limiterKeyBytes(facts.ip))
        if (waitMs > 0) return fail(refuse('rate_limited', 'address', Math.max(1, Math.ceil(waitMs / 1000))))
      }
      if (match.kind === 'not_found') return fail(refuse('not_found'))
      if (match.kind === 'method_not_allowed') return fail(refuse('method_not_allowed', match.allow))
      const route = match.route

      let principal: Principal | null = null
      if (route.access !== 'public') {
        const creds = resolveCredentials(deps.store, facts, deps.now())
        if (creds.kind !== 'ok') return fail(refuse('unauthorized', 'sign-in or token'))
        principal = creds.principal
        if (route.access === 'session' && principal.kind !== 'session') return fail(refuse('session_required'))
      }
      if (principal?.kind !== 'token') {
        const why = crossSiteReason(
          facts.method,
          facts,
          deps.publicUrlConfigured ? (originOf(deps.publicUrl()) ?? '') : null,
        )
        if (why !== null) return fail(refuse('cross_site_request', why))
      }

      const params = check(route.params, match.params, '(path)')
      if (!params.ok) return fail(refuse('invalid_field', params.fields))
      const query = check(route.query, parseQuery(facts.query), '(query)')
      if (!query.ok) return fail(refuse('invalid_field', query.fields))
      const dispatch = (body: unknown): void => {
        Promise.resolve()
          .then(() => route.handle({ params: params.value, query: query.value, body, principal, deps }))
          .then(deliver)
          // Also catches a throw inside deliver: an unhandled rejection would end the process.
          .catch(boundary)
      }
      if (route.body === undefined) return dispatch(undefined)

      const mediaType = facts.contentType.split(';', 1)[0]!.trim().toLowerCase()
      if (mediaType !== '' && mediaType !== 'application/json')
        return fail(refuse('unsupported_media_type', 'json', mediaType), true)
      const declared = facts.contentLength === '' ? 0 : Number(facts.contentLength)
      if (!(declared <= API_BODY_LIMIT)) return fail(refuse('body_too_large', API_BODY_LIMIT), true)
      const validateBody = (json: unknown): void => {
        const body = check(route.body, json, '(body)')
        if (!body.ok) return fail(refuse('invalid_field', body.fields))
        dispatch(body.value)
      }
      // No body at all reads as {}, so a missing field is reported by name rather than as "not JSON".
      if (declared === 0 && facts.transferEncoding === '') return validateBody({})
      readBody(res, declared, API_BODY_LIMIT, (outcome) => {
        if (aborted) return
        // This runs later, from uWS's onData: it needs its own boundary.
        try {
          if (!outcome.ok) return fail(refuse('body_too_large', API_BODY_LIMIT), true)
          // The buffer is only valid during this callback: decode it now.
          const text = outcome.body.toString('utf8')
          let json: unknown
          try {
            json = text.trim() === '' ? {} : JSON.parse(text)
          } catch (err) {
            return fail(refuse('invalid_json', (err as Error).message))
          }
          validateBody(json)
        } catch (err) {
          boundary(err)
        }
      })
    } catch (err) {
      boundary(err)
    }
  }
}
