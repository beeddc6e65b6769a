/**
 * The routes without a JSON body: hk.js and its hashed name, the dashboard's shell and assets, the
 * operations routes, and paths and methods no route has.
 * @module
 */
import type { Draft } from '../case.js'
import { BAD_UTF8 } from '../json.js'
import type { Rng } from '../rng.js'
import { toBuf, type Bytes } from '../wire.js'
import { baseHeaders, oddHeaderValue, oddId, oddQuery, type GenContext } from './common.js'

const withQuery = (rng: Rng, path: Bytes, p: number): Bytes =>
  rng.chance(p) ? Buffer.concat([toBuf(path), Buffer.from('?'), toBuf(oddQuery(rng))]) : path

/** Conditional and encoding headers, sometimes odd. */
function cacheHeaders(rng: Rng): Array<[Bytes, Bytes]> {
  const h: Array<[Bytes, Bytes]> = []
  if (rng.chance(0.5))
    h.push([
      'Accept-Encoding',
      rng.pick<Bytes>([
        'gzip, deflate, br',
        'gzip;q=0',
        '*;q=0.5',
        'identity',
        'gzip;q=abc',
        'x-gzip',
        oddHeaderValue(rng),
      ]),
    ])
  if (rng.chance(0.3))
    h.push(['If-None-Match', rng.pick<Bytes>(['*', 'W/"x"', '"a", "b", W/"c"', ',,,', oddHeaderValue(rng)])])
  return h
}

export function staticCase(ctx: GenContext, rng: Rng): Draft {
  const fx = ctx.fx
  const which = rng.pick(['tracker', 'hashed', 'wrong-hash', 'shell', 'asset', 'odd-asset'] as const)
  const path: Bytes =
    which === 'tracker'
      ? '/hk.js'
      : which === 'hashed'
        ? `/hk.${fx.trackerHash}.js`
        : which === 'wrong-hash'
          ? `/hk.${rng.pick(['0000000000000000', fx.trackerHash.toUpperCase(), '', 'js'])}.js`
          : which === 'shell'
            ? rng.pick([
                '/',
                '/login',
                '/setup',
                '/sites',
                `/sites/${fx.siteId}`,
                '/sites/x/y/z',
                Buffer.concat([Buffer.from('/sites/'), rng.pick(BAD_UTF8)]),
              ])
            : which === 'asset'
              ? `/assets/${rng.pick(fx.assetNames.length > 0 ? fx.assetNames : ['app.js'])}`
              : Buffer.concat([Buffer.from('/assets/'), toBuf(oddId(rng))])
  const method = rng.weighted<string>([
    [12, 'GET'],
    [3, 'HEAD'],
    [1, rng.pick(['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'])],
  ])
  const route =
    which === 'asset' || which === 'odd-asset'
      ? '/assets/:name'
      : which === 'shell'
        ? '(dashboard shell)'
        : which === 'hashed'
          ? '/hk.<hash>.js'
          : which === 'tracker'
            ? '/hk.js'
            : '(unknown tracker name)'
  const headers = [...baseHeaders(rng), ...cacheHeaders(rng)]
  return {
    family: 'static',
    kind: `${which}/${method}`,
    route: `${method} ${route}`,
    spec: { method, target: withQuery(rng, path, 0.1), headers },
  }
}

export function opsCase(_ctx: GenContext, rng: Rng): Draft {
  const path = rng.pick(['/healthz', '/readyz', '/metrics'])
  const method = rng.weighted<string>([
    [10, 'GET'],
    [2, 'HEAD'],
    [2, rng.pick(['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'])],
  ])
  const headers = baseHeaders(rng)
  if (rng.chance(0.3)) headers.push(['Accept', oddHeaderValue(rng)])
  const body =
    method === 'POST' || method === 'PUT' ? Buffer.from(rng.pick(['{}', 'x'.repeat(rng.int(1, 50_000))])) : undefined
  return {
    family: 'ops',
    kind: method,
    route: `${method} ${path}`,
    spec: { method, target: withQuery(rng, path, 0.2), headers, body },
  }
}

/** A path no route has: long, dot segments, doubled slashes, encoded and raw bytes that are not UTF-8. */
function unknownPath(rng: Rng): Bytes {
  switch (rng.int(0, 8)) {
    case 0:
      return `/${'a/'.repeat(rng.int(100, 2000))}`
    case 1:
      return rng.pick([
        '/..',
        '/../../etc/passwd',
        '/./healthz',
        '//healthz',
        '/healthz/',
        '/HEALTHZ',
        '/healthz%00',
        '/%2e%2e/%2e%2e/',
        '/ingest/event/',
        '/INGEST',
        '/api',
        '/api/',
        '/api//sites',
        '/api/sites/',
        '/api/ingest',
        '/api/ingest/server',
        '/hk.js/x',
      ])
    case 2:
      return Buffer.concat([Buffer.from('/x'), rng.pick(BAD_UTF8), Buffer.from('/y')])
    case 3:
      return `/${'%'.repeat(rng.int(1, 50))}`
    case 4:
      return `/${encodeURIComponent('💥é\u0000')}/${'%ff'.repeat(rng.int(1, 500))}`
    case 5:
      return `/${'x'.repeat(rng.int(1_000, 60_000))}`
    case 6:
      return rng.pick([
        '/api/openapi.json/x',
        '/api/sites/__proto__',
        '/__proto__',
        '/constructor/prototype',
        '/assets/',
        '/assets/../cli.js',
        '/metrics/x',
      ])
    case 7: {
      const probed = [
        'wp-admin',
        '.env',
        '.git/config',
        'server-status',
        'cgi-bin/test.cgi',
        'favicon.ico',
        'robots.txt',
      ]
      return `/${rng.pick(probed)}`
    }
    default:
      return Buffer.concat([Buffer.from('/'), toBuf(oddId(rng))])
  }
}

export function unknownCase(_ctx: GenContext, rng: Rng): Draft {
  const method = rng.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT', 'HEAD'])
  const path = unknownPath(rng)
  const body =
    method === 'POST' || method === 'PUT' || method === 'PATCH'
      ? Buffer.from(rng.pick(['{}', '[', 'x'.repeat(rng.int(1, 30_000))]))
      : undefined
  return {
    family: 'unknown',
    kind: method,
    route: `${method} (unknown path)`,
    spec: { method, target: withQuery(rng, path, 0.2), headers: baseHeaders(rng), body },
  }
}
