/**
 * Every `/api` route of the route table (read from the server's own /api/openapi.json), with each kind
 * of credential, CSRF headers, odd path ids, odd query strings and hostile bodies. Destructive routes
 * are aimed at the fixtures made for them (./fixtures.ts), so the run keeps reaching the others.
 * @module
 */
import type { Draft } from '../case.js'
import { MEMBER_EMAIL, OWNER_EMAIL, FUZZ_PASSWORD } from '../fixtures.js'
import { obj, type Json } from '../json.js'
import type { Rng } from '../rng.js'
import { toBuf, type Bytes } from '../wire.js'
import { baseHeaders, hostileBody, idOr, oddHeaderValue, oddQuery, type GenContext } from './common.js'

const API_LIMIT = 64 * 1024
const ZONES = ['UTC', 'Europe/Berlin', 'America/St_Johns', 'Asia/Kathmandu', 'Pacific/Chatham', 'Etc/GMT+12']

/** A valid body for the route (the fuzz starts from it), or `{}` for a route without one. */
function template(ctx: GenContext, rng: Rng, method: string, path: string): Record<string, Json> {
  const key = `${method} ${path}`
  if (key === 'POST /api/initial-user' || key === 'POST /api/login') {
    return obj([
      ['email', rng.pick([OWNER_EMAIL, MEMBER_EMAIL, 'nobody@fuzz.test'])],
      ['password', rng.pick([FUZZ_PASSWORD, 'wrong password'])],
      ['remember_me', rng.chance(0.5)],
    ])
  }
  if (key === 'POST /api/user/api-clients')
    return obj([
      ['name', 'fuzz client'],
      [
        'site_roles',
        [
          obj([
            ['site_id', ctx.fx.victimSiteId],
            ['role', rng.pick(['owner', 'editor', 'viewer'])],
          ]),
        ],
      ],
    ])
  if (key === 'POST /api/sites')
    return obj([
      ['domain', `f${rng.int(0, 30)}.example`],
      ['timezone', rng.pick(ZONES)],
    ])
  if (key === 'PATCH /api/sites/:id') return obj([['timezone', rng.pick(ZONES)]])
  if (path.endsWith('/exclusions'))
    return obj([
      ['excluded_ips', ['203.0.113.0/24', '2001:db8::/32']],
      ['allowed_hostnames', ['victim.example', '*.victim.example']],
    ])
  if (key === 'POST /api/sites/:id/goals')
    return obj([
      ['name', 'Pro'],
      ['type', rng.pick(['event', 'path'])],
      ['value', rng.pick(['signup', '/pricing*'])],
    ])
  if (key === 'POST /api/sites/:id/members')
    return obj([
      ['email', MEMBER_EMAIL],
      ['role', rng.pick(['owner', 'editor', 'viewer'])],
    ])
  return obj([])
}

/** The value of a path parameter: the fixture the route may safely use, or an odd id. */
function param(ctx: GenContext, rng: Rng, method: string, path: string, name: string): Bytes {
  const fx = ctx.fx
  const writes = method !== 'GET'
  switch (name) {
    case 'id': {
      if (method === 'DELETE' && path === '/api/sites/:id') return idOr(rng, fx.doomedSiteId)
      return idOr(
        rng,
        writes && method !== 'HEAD' && method !== 'OPTIONS'
          ? fx.victimSiteId
          : rng.pick([fx.siteId, fx.siteId, fx.victimSiteId]),
      )
    }
    case 'goal_id':
      return idOr(rng, fx.goalId)
    case 'user_id':
      return idOr(rng, fx.memberUserId)
    case 'client_id':
      return idOr(rng, fx.spareClientId)
    case 'name':
      return idOr(rng, rng.pick(['purchase', 'signup']))
    case 'key':
      return idOr(rng, 'plan')
    default:
      return idOr(rng, 'x', 0.5)
  }
}

/**
 * Credentials: the session cookie, the token, none, or odd ones. `POST /api/logout` never gets the run's own session.
 */
function credentials(ctx: GenContext, rng: Rng, logout: boolean): { auth: string; headers: Array<[Bytes, Bytes]> } {
  const cookie = logout ? ctx.fx.spareCookie : ctx.fx.cookie
  const auth = rng.weighted<string>([
    [10, 'cookie'],
    [6, 'token'],
    [2, 'none'],
    [1, 'wrong-cookie'],
    [1, 'odd-cookie'],
    [1, 'odd-authorization'],
    [1, 'both'],
  ])
  const h: Array<[Bytes, Bytes]> = []
  if (auth === 'cookie') h.push(['Cookie', `theme=dark; hk_token=${cookie}`])
  else if (auth === 'token')
    h.push(rng.chance(0.7) ? ['Authorization', `Bearer ${ctx.fx.token}`] : ['X-Api-Key', ctx.fx.token])
  else if (auth === 'wrong-cookie') h.push(['Cookie', `hk_token=${cookie.slice(0, -3)}abc`])
  else if (auth === 'odd-cookie') {
    const v = rng.pick<Bytes>([
      oddHeaderValue(rng),
      'hk_token=',
      'hk_token="";hk_token=x',
      `hk_token="${cookie}"`,
      Array.from({ length: 2000 }, (_, i) => `c${i}=v`).join('; '),
      '=;=;=;',
      'hk_token',
    ])
    h.push(['Cookie', v])
    if (rng.chance(0.3)) h.push(['Cookie', `hk_token=${cookie}`])
  } else if (auth === 'odd-authorization')
    h.push([
      'Authorization',
      rng.pick<Bytes>([oddHeaderValue(rng), 'Bearer', `Bearer ${ctx.fx.token} extra`, `Basic ${ctx.fx.token}`]),
    ])
  else if (auth === 'both') h.push(['Cookie', `hk_token=${cookie}`], ['Authorization', `Bearer ${ctx.fx.token}`])
  return { auth, headers: h }
}

export function apiCase(ctx: GenContext, rng: Rng): Draft {
  const route = rng.pick(ctx.apiRoutes)
  const method = rng.weighted<string>([
    [90, route.method],
    [7, rng.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])],
    [3, 'HEAD'],
  ])
  // By the method sent, not the route's: a DELETE sent to GET /api/sites/:id deletes the site it names.
  const parts: Bytes[] = route.path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? param(ctx, rng, method, route.path, seg.slice(1)) : seg))
  if (rng.chance(0.03)) parts.push(rng.pick(['', 'extra', '..']))
  const path = Buffer.concat(parts.flatMap((p, i) => (i > 0 ? [Buffer.from('/'), toBuf(p)] : [toBuf(p)])))
  const oddQ = rng.chance(0.25)
  const query = oddQ
    ? oddQuery(rng)
    : route.method === 'GET' && route.path.startsWith('/api/sites/:id/')
      ? rng.pick(['', 'from=2026-01-01&to=2026-12-31', 'interval=day&limit=5'])
      : ''
  const target = query === '' ? path : Buffer.concat([path, Buffer.from('?'), toBuf(query)])
  const { auth, headers: creds } = credentials(ctx, rng, route.path === '/api/logout')
  const headers = [...baseHeaders(rng), ...creds]
  if (rng.chance(0.15))
    headers.push(
      rng.pick<[Bytes, Bytes]>([
        ['Origin', 'https://evil.example'],
        ['Origin', 'null'],
        ['Sec-Fetch-Site', 'cross-site'],
        ['Referer', oddHeaderValue(rng)],
        ['Origin', oddHeaderValue(rng)],
      ]),
    )
  let kind = `${auth}${oddQ ? '+odd-query' : ''}`
  let body: Buffer | undefined
  if (
    method === 'POST' ||
    method === 'PATCH' ||
    method === 'PUT' ||
    (method === 'DELETE' && route.path.endsWith('/exclusions'))
  ) {
    const plan = hostileBody(rng, () => template(ctx, rng, route.method, route.path), API_LIMIT)
    body = plan.body
    kind = `${plan.kind}/${kind}`
    headers.push([
      'Content-Type',
      rng.weighted<Bytes>([
        [12, 'application/json'],
        [1, 'application/json; charset=utf-8'],
        [1, 'text/plain'],
        [1, oddHeaderValue(rng)],
      ]),
    ])
  }
  if (method !== route.method) kind = `method:${method}`
  const stream = route.path.endsWith('/stream') && method === 'GET'
  const solo = stream
    ? { waitMs: 10_000, read: 'stream' as const }
    : body && body.length > API_LIMIT
      ? { headFirstMs: 2_000, waitMs: 10_000 }
      : undefined
  return { family: 'api', kind, route: `${method} ${route.path}`, spec: { method, target, headers, body }, solo }
}
