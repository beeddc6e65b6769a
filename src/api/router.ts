/**
 * Matches `/api/…` paths against the route table: literal segments and `:name` parameters
 * (percent-decoded). A path that matches a route but not its method is a 405 with `Allow`; a literal
 * segment beats a parameter, so `/goals/timeseries` is not taken for a goal id. HEAD takes the GET
 * route (RFC 9110 §9.3.2: the same answer without its body, ../http/head.ts), and `Allow` names it
 * wherever GET is allowed.
 * @module
 */
import { utf8Length } from '../bytes/utf8.js'
import type { Method, RouteDef } from './types.js'

type Segment = { literal: string } | { param: string }

/** The longest path parameter, in UTF-8 bytes once decoded. */
const MAX_PARAM_BYTES = 1024

interface Compiled {
  route: RouteDef
  segments: Segment[]
  literals: number
}

export type Match =
  | { kind: 'route'; route: RouteDef; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allow: string }
  | { kind: 'not_found' }

function compile(route: RouteDef): Compiled {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((s): Segment => (s.startsWith(':') ? { param: s.slice(1) } : { literal: s }))
  return { route, segments, literals: segments.filter((s) => 'literal' in s).length }
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | null {
  if (segments.length !== parts.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < parts.length; i++) {
    const seg = segments[i]!
    const part = parts[i]!
    if ('literal' in seg) {
      if (seg.literal !== part) return null
    } else {
      if (part === '') return null
      let value: string
      try {
        value = decodeURIComponent(part)
      } catch {
        return null // malformed percent-encoding: no such resource
      }
      // Longer than any id, event name (120 characters) or property key (300 bytes): it names nothing, and
      // past ~4 KB it would not fit an LMDB read's key buffer (lmdb-js throws: it was a 500).
      if (utf8Length(value) > MAX_PARAM_BYTES) return null
      params[seg.param] = value
    }
  }
  return params
}

export class Router {
  readonly #routes: Compiled[]

  constructor(routes: RouteDef[]) {
    // Most literal first: the first method match wins.
    this.#routes = routes.map(compile).sort((a, b) => b.literals - a.literals)
  }

  get routes(): RouteDef[] {
    return this.#routes.map((c) => c.route)
  }

  match(method: string, path: string): Match {
    const wanted = method === 'HEAD' ? 'GET' : method
    const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
    const parts = trimmed.split('/').slice(1)
    const allowed = new Set<Method | 'HEAD'>()
    for (const c of this.#routes) {
      const params = matchSegments(c.segments, parts)
      if (params === null) continue
      if (c.route.method === wanted) return { kind: 'route', route: c.route, params }
      allowed.add(c.route.method)
      if (c.route.method === 'GET') allowed.add('HEAD')
    }
    if (allowed.size === 0) return { kind: 'not_found' }
    return { kind: 'method_not_allowed', allow: [...allowed].sort().join(', ') }
  }
}
