/**
 * The browser ingest routes: `POST /ingest/event`, `POST /ingest` (bodies from the seed's valid event,
 * mutated; the headers browsers and proxies send, made odd) and their CORS preflights.
 * @module
 */
import type { Draft } from '../case.js'
import { obj, type Json } from '../json.js'
import type { Rng } from '../rng.js'
import { toBuf, type Bytes } from '../wire.js'
import { baseHeaders, hostileBody, oddHeaderValue, oddQuery, type GenContext } from './common.js'

/** The ingest body limit (src/event/limits.ts). */
export const INGEST_LIMIT = 64 * 1024

/** The seed's event (or pageview); without `site_id` the site comes from the Origin header, as hk.js relies on. */
export function ingestTemplate(ctx: GenContext, rng: Rng, event: boolean, siteId = true): Record<string, Json> {
  const entries: Array<[string, Json]> = [
    // A few events go to the site the run deletes: before, during and after its delete.
    ...(siteId ? [['site_id', rng.chance(0.05) ? ctx.fx.doomedSiteId : ctx.fx.siteId] as [string, Json]] : []),
    ['url', `https://${ctx.fx.siteDomain}/p/${rng.int(0, 50)}?utm_source=fuzz`],
    ['referrer', rng.pick(['', 'https://www.google.com/', 'https://news.example/a'])],
  ]
  if (event)
    entries.push(
      ['name', rng.pick(['signup', 'purchase', 'cta_clicked'])],
      [
        'props',
        obj([
          ['plan', 'pro'],
          ['amount', 49],
          ['trial', true],
        ]),
      ],
    )
  if (rng.chance(0.3)) entries.push(['session_id', '6f1c2d9e-8a7b-4c3d-9e8f-1a2b3c4d5e6f'], ['screen_width', 1280])
  return obj(entries)
}

/** Headers of an ingest request: content type, Origin, User-Agent, X-Forwarded-For, acks, prefetch… */
function ingestHeaders(ctx: GenContext, rng: Rng): { kind: string | null; headers: Array<[Bytes, Bytes]> } {
  const headers = baseHeaders(rng)
  headers.push([
    'Content-Type',
    rng.weighted<Bytes>([
      [8, 'application/json'],
      [3, 'text/plain;charset=UTF-8'],
      [1, 'application/json; charset=utf-16'],
      [1, 'APPLICATION/JSON ; x=y'],
    ]),
  ])
  if (rng.chance(0.4))
    headers.push([
      'Origin',
      rng.pick([
        `https://${ctx.fx.siteDomain}`,
        `https://www.${ctx.fx.siteDomain}:8443`,
        'https://unknown.example',
        'null',
      ]),
    ])
  if (!rng.chance(0.3)) return { kind: null, headers }
  const kind = rng.pick([
    'content-type',
    'origin',
    'user-agent',
    'forwarded-for',
    'durable-ack',
    'prefetch',
    'many',
  ] as const)
  const odd = oddHeaderValue(rng)
  switch (kind) {
    case 'content-type':
      headers.splice(
        headers.findIndex(([n]) => n === 'Content-Type'),
        1,
        [
          'Content-Type',
          rng.pick<Bytes>([
            odd,
            'multipart/form-data; boundary=x',
            'application/x-www-form-urlencoded',
            ';',
            'json',
            'text/plain;;;',
          ]),
        ],
      )
      break
    case 'origin': {
      // A host longer than any domain (253) is no site; one over ~4 KB does not fit an LMDB key either.
      const long = `https://${'a'.repeat(rng.int(254, 60_000))}.example`
      headers.push([
        'Origin',
        rng.chance(0.4)
          ? long
          : rng.pick<Bytes>([
              odd,
              'https://',
              'http://[::1',
              'https://FUZZ.EXAMPLE',
              `https://${ctx.fx.siteDomain}.evil.example`,
            ]),
      ])
      break
    }
    case 'user-agent':
      headers.push(['User-Agent', rng.pick<Bytes>([odd, 'Googlebot/2.1', 'HeadlessChrome', ''])])
      break
    case 'forwarded-for':
      headers.push(['X-Forwarded-For', odd])
      break
    case 'durable-ack':
      headers.push(['X-Hitring-Ack', rng.pick<Bytes>(['durable', 'DURABLE', odd])])
      break
    case 'prefetch':
      headers.push([rng.pick(['Sec-Purpose', 'Purpose', 'X-Moz']), rng.pick<Bytes>(['prefetch', odd])])
      break
    default:
      for (let i = 0; i < rng.int(2, 30); i++) headers.push([`X-Odd-${i}`, oddHeaderValue(rng)])
  }
  return { kind: `header:${kind}`, headers }
}

export function ingestCase(ctx: GenContext, rng: Rng): Draft {
  const event = rng.chance(0.6)
  const path = event ? '/ingest/event' : '/ingest'
  const { kind: headerKind, headers } = ingestHeaders(ctx, rng)
  const wrongMethod = rng.chance(0.05)
  const method = wrongMethod ? rng.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD']) : 'POST'
  // With an Origin, often no site_id: the site is then looked up by the Origin's host.
  const siteId = !headers.some(([n]) => n === 'Origin') || rng.chance(0.3)
  const plan = hostileBody(
    rng,
    () => ingestTemplate(ctx, rng, event, siteId),
    INGEST_LIMIT,
    event ? 'props' : undefined,
  )
  const query = rng.chance(0.05) ? oddQuery(rng) : ''
  const target = query === '' ? path : Buffer.concat([Buffer.from(`${path}?`), toBuf(query)])
  const chunkedBody = rng.chance(0.08)
  const spec = {
    method,
    target,
    headers,
    body: plan.body,
    framing: chunkedBody ? ('chunked' as const) : undefined,
    chunkSizes: chunkedBody ? [1, 7, 64, 4096] : undefined,
  }
  const kind = wrongMethod ? `method:${method}` : (headerKind ?? plan.kind) + (chunkedBody ? '+chunked' : '')
  // Over the limit: the server refuses on the declared length; give it the chance before sending the body.
  const solo = plan.body.length > INGEST_LIMIT ? { headFirstMs: 2_000, waitMs: 10_000 } : undefined
  return {
    family: 'ingest',
    kind,
    route: `${method} ${path}`,
    spec,
    solo,
    noAnswer:
      chunkedBody && plan.body.length > INGEST_LIMIT
        ? 'chunked body over the limit (413 and close: the reset may beat the answer)'
        : undefined,
  }
}

export function preflightCase(ctx: GenContext, rng: Rng): Draft {
  const path = rng.pick(['/ingest/event', '/ingest'])
  const headers = baseHeaders(rng)
  const kind = rng.pick(['plain', 'odd-origin', 'odd-request-headers', 'with-body', 'no-origin', 'many'] as const)
  if (kind !== 'no-origin')
    headers.push(['Origin', kind === 'odd-origin' ? oddHeaderValue(rng) : `https://${ctx.fx.siteDomain}`])
  headers.push(['Access-Control-Request-Method', kind === 'odd-request-headers' ? oddHeaderValue(rng) : 'POST'])
  if (kind === 'odd-request-headers' || kind === 'many')
    headers.push(['Access-Control-Request-Headers', oddHeaderValue(rng)])
  if (kind === 'many') for (let i = 0; i < 30; i++) headers.push(['Access-Control-Request-Headers', `x-${i}`])
  const body = kind === 'with-body' ? Buffer.from(rng.pick(['{}', 'x'.repeat(rng.int(1, 60_000))])) : undefined
  return {
    family: 'preflight',
    kind,
    route: `OPTIONS ${path}`,
    spec: { method: 'OPTIONS', target: path, headers, body },
  }
}
