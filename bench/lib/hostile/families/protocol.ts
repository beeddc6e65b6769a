/**
 * The HTTP layer itself: header floods and odd headers on ordinary requests (`headers`), malformed
 * messages and request-smuggling attempts (`protocol`), and requests cut off mid-way (`cut`). Malformed
 * messages may be closed or left unanswered by uWS — each such condition is named in `noAnswer`, and
 * the report lists them; anything they do get answered is judged like every other answer.
 * @module
 */
import type { Draft, SoloOptions } from '../case.js'
import { BAD_UTF8, encodeJson } from '../json.js'
import type { Rng } from '../rng.js'
import { chunked, type Bytes, type RequestSpec } from '../wire.js'
import { apiCase } from './api.js'
import { baseHeaders, oddHeaderValue, type GenContext } from './common.js'
import { ingestTemplate } from './ingest.js'
import { serverItemTemplate } from './server.js'

/** A short wait for answers that may never come (uWS leaves some malformed requests to its ~10 s idle timeout). */
export const MALFORMED_WAIT_MS = 400
const malformed = (extra: Partial<SoloOptions> = {}): SoloOptions => ({ waitMs: MALFORMED_WAIT_MS, ...extra })

/** An ordinary, valid request to build on: an event, a server event, a batch, an API read or write, /healthz. */
function baseRequest(ctx: GenContext, rng: Rng): { route: string; spec: RequestSpec } {
  const h = baseHeaders(rng)
  const json: [Bytes, Bytes] = ['Content-Type', 'application/json']
  const bearer: [Bytes, Bytes] = ['Authorization', `Bearer ${ctx.fx.token}`]
  const cookie: [Bytes, Bytes] = ['Cookie', `hk_token=${ctx.fx.cookie}`]
  const post = (route: string, target: string, headers: Array<[Bytes, Bytes]>, body: Buffer) => ({
    route,
    spec: { method: 'POST', target, headers: [...h, ...headers], body },
  })
  switch (rng.int(0, 5)) {
    case 0:
      return post('POST /ingest/event', '/ingest/event', [json], encodeJson(ingestTemplate(ctx, rng, true)))
    case 1:
      return post(
        'POST /api/ingest/server/event',
        '/api/ingest/server/event',
        [bearer, json],
        encodeJson(serverItemTemplate(ctx, rng, 'event')),
      )
    case 2: {
      const ndjson = Buffer.concat([
        encodeJson(serverItemTemplate(ctx, rng)),
        Buffer.from('\n'),
        encodeJson(serverItemTemplate(ctx, rng)),
        Buffer.from('\n'),
      ])
      return post(
        'POST /api/ingest/batch',
        '/api/ingest/batch',
        [bearer, ['Content-Type', 'application/x-ndjson']],
        ndjson,
      )
    }
    case 3:
      return {
        route: 'GET /api/sites/:id/stats',
        spec: { method: 'GET', target: `/api/sites/${ctx.fx.siteId}/stats?from=2026-01-01`, headers: [...h, cookie] },
      }
    case 4:
      return post(
        'POST /api/sites/:id/goals',
        `/api/sites/${ctx.fx.victimSiteId}/goals`,
        [cookie, json],
        Buffer.from('{"name":"g","type":"event","value":"signup"}'),
      )
    default:
      return { route: 'GET /healthz', spec: { method: 'GET', target: '/healthz', headers: h } }
  }
}

/**
 * Header abuse that stays within HTTP: an answer is required (finish() moves floods past uWS's limits to `noAnswer`).
 */
export function headersCase(ctx: GenContext, rng: Rng): Draft {
  const { route, spec } = baseRequest(ctx, rng)
  const kind = rng.pick([
    'many',
    'flood',
    'long-value',
    'repeat-host',
    'repeat-cookie',
    'repeat-authorization',
    'repeat-content-length',
    'not-utf8',
    'forwarded',
    'huge-cookie',
    'expect',
  ] as const)
  const h = spec.headers
  switch (kind) {
    case 'many':
      for (let i = 0; i < rng.int(10, 40); i++) h.push([`X-Many-${i}`, oddHeaderValue(rng)])
      break
    case 'flood':
      for (let i = 0; i < rng.int(49, 600); i++) h.push([`X-Flood-${i}`, 'v'])
      break
    case 'long-value':
      h.push([
        rng.pick(['X-Long', 'User-Agent', 'Referer', 'Origin', 'Accept-Language']),
        'L'.repeat(rng.int(8_000, 140_000)),
      ])
      break
    case 'repeat-host':
      for (let i = 0; i < rng.int(1, 10); i++) h.push(['Host', rng.pick(['127.0.0.1', 'evil.example', ''])])
      break
    case 'repeat-cookie':
      for (let i = 0; i < rng.int(2, 30); i++)
        h.push(['Cookie', rng.pick([`hk_token=${ctx.fx.cookie}`, 'hk_token=nope', 'a=b'])])
      break
    case 'repeat-authorization':
      for (let i = 0; i < rng.int(2, 30); i++)
        h.push([
          rng.pick(['Authorization', 'X-Api-Key']),
          rng.pick([`Bearer ${ctx.fx.token}`, ctx.fx.token, 'Bearer nope']),
        ])
      break
    case 'repeat-content-length':
      if (spec.body) h.push(['Content-Length', String(spec.body.length)], ['Content-Length', String(spec.body.length)])
      break
    case 'not-utf8':
      h.push([
        rng.pick(['User-Agent', 'Origin', 'Referer', 'X-Forwarded-For', 'Cookie', 'Authorization', 'Content-Type']),
        Buffer.concat([Buffer.from('a'), rng.pick(BAD_UTF8), Buffer.from('b')]),
      ])
      break
    case 'forwarded':
      for (let i = 0; i < rng.int(1, 20); i++) h.push(['X-Forwarded-For', oddHeaderValue(rng)])
      break
    case 'huge-cookie':
      h.push([
        'Cookie',
        Array.from({ length: rng.int(100, 4000) }, (_, i) => `k${i}=${'v'.repeat(rng.int(0, 20))}`).join('; '),
      ])
      break
    default:
      h.push(['Expect', rng.pick(['100-continue', '200-ok', 'x'])])
  }
  return { family: 'headers', kind, route, spec }
}

/** Malformed messages and smuggling attempts: each kind names the condition that lets it go unanswered. */
export function protocolCase(ctx: GenContext, rng: Rng): Draft {
  const { route, spec } = baseRequest(ctx, rng)
  const body = spec.body ?? Buffer.from('{}')
  const smuggled = Buffer.from('GET /smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
  const kind = rng.pick([
    'cl-te',
    'dup-cl',
    'te-list',
    'te-unknown',
    'obs-fold',
    'bare-lf',
    'bad-chunk',
    'no-slash',
    'version',
    'method',
    'spacing',
    'control-bytes',
    'cl-odd',
    'no-host',
    'header-syntax',
    'leading-crlf',
    'garbage',
  ] as const)
  const h = spec.headers.filter(([n]) => n !== 'Content-Length')
  const raw = (b: Buffer): Draft => ({
    family: 'protocol',
    kind,
    route,
    spec: { ...spec, headers: h, body: b, framing: 'none' },
    solo: malformed({ listenAfterMs: 100 }),
    noAnswer: kind,
  })
  /** The base request, framed as usual, with one part of it changed. */
  const altered = (change: Partial<RequestSpec>): Draft => ({
    ...raw(body),
    spec: { ...spec, framing: undefined, ...change },
  })
  switch (kind) {
    case 'cl-te': {
      const smuggle = Buffer.concat([Buffer.from('0\r\n\r\n'), smuggled])
      h.push(
        ['Content-Length', String(rng.chance(0.5) ? smuggle.length : 5)],
        [
          rng.pick(['Transfer-Encoding', 'transfer-encoding', 'Transfer-encoding']),
          rng.pick(['chunked', ' chunked', 'chunked ', 'xchunked', 'CHUNKED']),
        ],
      )
      return raw(smuggle)
    }
    case 'dup-cl': {
      const both = Buffer.concat([body, smuggled])
      h.push(['Content-Length', String(both.length)], ['Content-Length', String(body.length)])
      if (rng.chance(0.5)) h.reverse()
      return raw(both)
    }
    case 'te-list':
      h.push([
        'Transfer-Encoding',
        rng.pick([
          'chunked, identity',
          'identity, chunked',
          'chunked, chunked',
          'gzip, chunked',
          'identity',
          'chunked;q=1',
        ]),
      ])
      return raw(chunked(body))
    case 'te-unknown':
      h.push(['Transfer-Encoding', rng.pick(['gzip', 'x', '', 'chunked\u000b'])])
      return raw(body)
    case 'obs-fold':
      h.push(['X-Folded', 'a\r\n b'], ['Content-Length', String(body.length)])
      return raw(body)
    case 'bare-lf':
      return altered({ eol: rng.pick(['\n', '\r']) })
    case 'bad-chunk': {
      h.push(['Transfer-Encoding', 'chunked'])
      const size = rng.pick(['zz', '-1', 'ffffffffffffffffff', ' 2', '2 ;x', '2;ext=1', '0x2', '', '1\r\n{}\r\n'])
      return raw(Buffer.from(`${size}\r\n{}\r\n0\r\n\r\n`))
    }
    case 'no-slash':
      return altered({
        target: rng.pick(['healthz', '*', 'http://127.0.0.1/healthz', '?x=1', '', 'ingest/event', '%2Fhealthz']),
      })
    case 'version':
      return altered({
        version: rng.pick([
          'HTTP/1.0',
          'HTTP/2.0',
          'HTTP/1.2',
          'http/1.1',
          'HTTP/1.1 ',
          'HTTP/9',
          '',
          'HTTP/1.1\u0000',
        ]),
      })
    case 'method':
      return altered({
        method: rng.pick(['PROPFIND', 'FOO', 'get', 'Post', 'G\u00c9T', 'M'.repeat(5000), 'SEARCH', 'QUERY']),
      })
    case 'spacing':
      return altered({ method: rng.pick(['GET ', ' GET', 'GET\t']) })
    case 'control-bytes': {
      const bad = Buffer.from([rng.pick([0, 1, 8, 11, 12, 27, 31])])
      const header: [Bytes, Bytes] = rng.chance(0.5)
        ? ['X-Ctl', Buffer.concat([Buffer.from('a'), bad])]
        : [Buffer.concat([Buffer.from('X'), rng.pick([bad, BAD_UTF8[0]!, Buffer.from('_'), Buffer.from('(')])]), 'v']
      return altered({ headers: [...spec.headers, header] })
    }
    case 'cl-odd':
      h.push([
        'Content-Length',
        rng.pick(['-1', '+2', '0x2', '1e3', '2 2', 'abc', '99999999999999999999', '18446744073709551617', '']),
      ])
      return raw(body)
    case 'no-host':
      return altered({ headers: spec.headers.filter(([n]) => n !== 'Host') })
    case 'header-syntax':
      h.push(
        rng.pick<[Bytes, Bytes]>([
          ['X-No-Colon-Here', ''],
          ['X-Space ', 'v'],
          ['', 'v'],
          [' X-Lead', 'v'],
          ['X:Y', 'v'],
        ]),
        ['Content-Length', String(body.length)],
      )
      return raw(body)
    case 'leading-crlf':
      return altered({ method: `\r\n${spec.method}` })
    default: {
      const garbage = rng.pick([
        rng.bytes(rng.int(1, 4000)),
        Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
        Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01]),
      ])
      return {
        family: 'protocol',
        kind,
        route: '(garbage)',
        spec: { method: '', target: garbage, version: '', headers: [], eol: '' },
        solo: malformed(),
        noAnswer: kind,
      }
    }
  }
}

/** Requests that stop mid-way: in the head, in a declared body, in a chunk; then the client goes. */
export function cutCase(ctx: GenContext, rng: Rng): Draft {
  const where = rng.pick(['body-short', 'chunk-short', 'head', 'durable-gone'] as const)
  const base =
    where === 'durable-gone'
      ? baseRequest(ctx, rng)
      : rng.chance(0.5)
        ? baseRequest(ctx, rng)
        : { route: '', spec: apiCase(ctx, rng).spec }
  const { spec } = base
  const route = base.route || `(api) ${spec.method}`
  const body = spec.body ?? Buffer.from('{"a":1}')
  const h = spec.headers.filter(([n]) => n !== 'Content-Length')
  const solo: SoloOptions = { waitMs: rng.pick([0, 5, 50, 200]), endAfterWrite: rng.chance(0.5) }
  switch (where) {
    case 'body-short': {
      const declared = rng.chance(0.2) ? rng.int(1, 5 * 1024 * 1024) : body.length + rng.int(1, 100)
      return {
        family: 'cut',
        kind: where,
        route,
        spec: {
          ...spec,
          headers: [...h, ['Content-Length', String(declared)]],
          body: body.subarray(0, rng.int(0, body.length)),
          framing: 'none',
        },
        solo,
        noAnswer: 'body shorter than its Content-Length, then the client closed',
      }
    }
    case 'chunk-short': {
      const coded = chunked(body, [rng.int(1, 10)])
      return {
        family: 'cut',
        kind: where,
        route,
        spec: {
          ...spec,
          headers: [...h, ['Transfer-Encoding', 'chunked']],
          body: coded.subarray(0, rng.int(1, coded.length - 5)),
          framing: 'none',
        },
        solo,
        noAnswer: 'chunked body cut before its last chunk, then the client closed',
      }
    }
    case 'head': {
      // Framed as nothing: finish() serialises the head, and the transport sends only part of it.
      return {
        family: 'cut',
        kind: where,
        route,
        spec: { ...spec, body: undefined },
        solo: { ...solo, cutHeadAt: rng.float() },
        noAnswer: 'head cut off, then the client closed',
      }
    }
    default: {
      h.push(['X-Hitring-Ack', 'durable'], ['Content-Length', String(body.length)])
      return {
        family: 'cut',
        kind: where,
        route,
        spec: { ...spec, headers: h, body, framing: 'none' },
        solo: { waitMs: rng.int(0, 3) },
        noAnswer: 'client closed before its (durable) answer',
      }
    }
  }
}
