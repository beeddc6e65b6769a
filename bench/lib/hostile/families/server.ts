/**
 * Server-side ingestion: `POST /api/ingest/server/event|pageview` and `POST /api/ingest/batch` (a JSON
 * array or NDJSON), with the fixture's token, another credential, or none.
 * @module
 */
import type { Draft } from '../case.js'
import { deepNesting, encodeJson, obj, type Json } from '../json.js'
import type { Rng } from '../rng.js'
import type { Bytes } from '../wire.js'
import { baseHeaders, CHROME_UA, hostileBody, notJson, oddHeaderValue, type GenContext } from './common.js'
import { INGEST_LIMIT } from './ingest.js'
import { DOOMED_DOMAIN } from '../fixtures.js'

/** -batch-max-bytes and -batch-max-items defaults. */
export const BATCH_LIMIT = 5 * 1024 * 1024
export const BATCH_ITEMS = 10_000

export function serverItemTemplate(ctx: GenContext, rng: Rng, type?: 'event' | 'pageview'): Record<string, Json> {
  const entries: Array<[string, Json]> = [
    ['url', `https://${rng.chance(0.05) ? DOOMED_DOMAIN : ctx.fx.siteDomain}/s/${rng.int(0, 20)}`],
    ['timestamp', new Date(ctx.now - rng.int(0, 3_600_000)).toISOString()],
    ['visitor_ip', `198.51.100.${rng.int(1, 254)}`],
    ['user_agent', CHROME_UA],
  ]
  if (type !== 'pageview' && rng.chance(0.7))
    entries.push(
      ['name', 'purchase'],
      [
        'props',
        obj([
          ['plan', 'pro'],
          ['n', 1],
        ]),
      ],
    )
  if (type === undefined && rng.chance(0.5)) entries.push(['type', rng.pick(['event', 'pageview'])])
  if (rng.chance(0.3)) entries.push(['id', `fuzz-${rng.int(0, 1_000_000)}`])
  if (rng.chance(0.1)) entries.push(['dnt', true])
  return obj(entries)
}

/** The fixture's token (as Bearer or X-Api-Key) most of the time; otherwise none, a wrong one, or odd. */
export function tokenHeaders(ctx: GenContext, rng: Rng): { auth: string; headers: Array<[Bytes, Bytes]> } {
  const t = ctx.fx.token
  const auth = rng.weighted<string>([
    [12, 'bearer'],
    [3, 'api-key'],
    [2, 'none'],
    [2, 'wrong'],
    [2, 'odd'],
    [1, 'both'],
    [1, 'cookie'],
  ])
  const h: Array<[Bytes, Bytes]> = []
  if (auth === 'bearer') h.push(['Authorization', `Bearer ${t}`])
  else if (auth === 'api-key') h.push(['X-Api-Key', t])
  else if (auth === 'wrong') h.push(['Authorization', `Bearer ${t.slice(0, -2)}xx`])
  else if (auth === 'odd')
    h.push([
      rng.pick(['Authorization', 'X-Api-Key']),
      rng.pick<Bytes>([
        oddHeaderValue(rng),
        'Bearer',
        'Bearer ',
        'Basic Zm9vOmJhcg==',
        `bearer  ${t}`,
        `Bearer ${t}${t}`,
      ]),
    ])
  else if (auth === 'both')
    h.push(['Authorization', `Bearer ${t}`], ['X-Api-Key', 'nope'], ['Authorization', 'Bearer other'])
  else if (auth === 'cookie') h.push(['Cookie', `hk_token=${ctx.fx.cookie}`])
  return { auth, headers: h }
}

export function serverIngestCase(ctx: GenContext, rng: Rng): Draft {
  const type = rng.pick(['event', 'pageview'] as const)
  const path = `/api/ingest/server/${type}`
  const { auth, headers: authHeaders } = tokenHeaders(ctx, rng)
  const headers = [
    ...baseHeaders(rng),
    ...authHeaders,
    [
      'Content-Type',
      rng.weighted<Bytes>([
        [10, 'application/json'],
        [1, 'application/x-ndjson'],
        [1, 'text/plain'],
        [1, oddHeaderValue(rng)],
      ]),
    ] as [Bytes, Bytes],
  ]
  if (rng.chance(0.1)) headers.push(['X-Hitring-Ack', 'durable'])
  const plan = hostileBody(rng, () => serverItemTemplate(ctx, rng, type), INGEST_LIMIT, 'props')
  const solo = plan.body.length > INGEST_LIMIT ? { headFirstMs: 2_000, waitMs: 10_000 } : undefined
  return {
    family: 'server-ingest',
    kind: `${plan.kind}/${auth}`,
    route: `POST ${path}`,
    spec: { method: 'POST', target: path, headers, body: plan.body },
    solo,
  }
}

/** A batch body: items (mostly a few, sometimes over the item limit) each mutated on its own, or a broken whole. */
function batchBody(ctx: GenContext, rng: Rng, ndjson: boolean): { kind: string; body: Buffer } {
  const whole = rng.weighted<string>([
    [14, 'items'],
    [2, 'deep'],
    [2, 'not-json'],
    [1, 'over-items'],
    [1, 'many-invalid'],
    [1, 'empty'],
    [1, 'odd-lines'],
  ])
  const join = (items: Buffer[]): Buffer =>
    ndjson
      ? Buffer.concat(items.flatMap((b) => [b, Buffer.from('\n')]))
      : Buffer.concat([
          Buffer.from('['),
          ...items.flatMap((b, i) => (i > 0 ? [Buffer.from(','), b] : [b])),
          Buffer.from(']'),
        ])
  const item = (): { kind: string; body: Buffer } =>
    hostileBody(rng, () => serverItemTemplate(ctx, rng), 64 * 1024, 'props')
  switch (whole) {
    case 'items': {
      // Mostly a few items; sometimes hundreds, then mostly valid ones, and never more bytes than about the limit.
      const count = rng.chance(0.9) ? rng.int(1, 20) : rng.int(100, 2000)
      const first = item()
      const bodies = [first.body]
      let bytes = first.body.length
      while (bodies.length < count && bytes < BATCH_LIMIT) {
        const next = count > 20 && !rng.chance(0.05) ? encodeJson(serverItemTemplate(ctx, rng)) : item().body
        bodies.push(next)
        bytes += next.length + 1
      }
      return { kind: `items:${first.kind}`, body: join(bodies) }
    }
    case 'deep':
      return { kind: whole, body: encodeJson(deepNesting(rng, rng.int(10_000, 100_000))) }
    case 'not-json':
      return { kind: whole, body: notJson(rng, join([encodeJson(serverItemTemplate(ctx, rng))])) }
    case 'over-items':
      return { kind: whole, body: join(Array.from({ length: BATCH_ITEMS + 1 }, () => Buffer.from('{}'))) }
    case 'many-invalid':
      return { kind: whole, body: join(Array.from({ length: BATCH_ITEMS }, (_, i) => Buffer.from(`{"url":${i}}`))) }
    case 'empty':
      return { kind: whole, body: Buffer.from(rng.pick(['', '[]', '\n\n\n', ' '])) }
    default:
      return {
        kind: whole,
        body: Buffer.from(
          rng.pick([
            '{}\r\n{}\r\n',
            '\n\n{}\n\n',
            '{} {}\n',
            '[{}]\n[{}]',
            '{"a":\n1}',
            `${'\n'.repeat(5000)}{}`,
            '{}\u2028{}',
          ]),
        ),
      }
  }
}

export function batchCase(ctx: GenContext, rng: Rng): Draft {
  const ndjson = rng.chance(0.4)
  const { auth, headers: authHeaders } = tokenHeaders(ctx, rng)
  const contentType = ndjson
    ? rng.pick(['application/x-ndjson', 'application/x-ndjson; charset=utf-8'])
    : 'application/json'
  const headers: Array<[Bytes, Bytes]> = [
    ...baseHeaders(rng),
    ...authHeaders,
    ['Content-Type', rng.chance(0.05) ? oddHeaderValue(rng) : contentType],
  ]
  if (rng.chance(0.1)) headers.push(['X-Hitring-Ack', 'durable'])
  const plan = batchBody(ctx, rng, ndjson)
  const chunkedBody = rng.chance(0.1)
  const over = plan.body.length > BATCH_LIMIT
  return {
    family: 'batch',
    kind: `${ndjson ? 'ndjson' : 'json'}:${plan.kind}/${auth}${chunkedBody ? '+chunked' : ''}`,
    route: 'POST /api/ingest/batch',
    spec: {
      method: 'POST',
      target: '/api/ingest/batch',
      headers,
      body: plan.body,
      framing: chunkedBody ? 'chunked' : undefined,
      chunkSizes: chunkedBody ? [3, 100, 65_536] : undefined,
    },
    solo: plan.body.length > INGEST_LIMIT ? { headFirstMs: over ? 2_000 : undefined, waitMs: 10_000 } : undefined,
  }
}
