/**
 * Pieces every family uses: the context (fixtures, the clock), ordinary headers, hostile JSON bodies
 * from a valid template, odd query strings and odd path ids.
 * @module
 */
import type { Fixtures } from '../fixtures.js'
import { BAD_UTF8, deepNesting, encodeJson, entriesOf, manyProps, obj, oddValue, Raw, type Json } from '../json.js'
import type { Rng } from '../rng.js'
import type { Bytes } from '../wire.js'

export interface GenContext {
  fx: Fixtures
  /** Every `/api` route of the server's route table (src/api/routes), so a new route is fuzzed too. */
  apiRoutes: ReadonlyArray<{ method: string; path: string; access: string }>
  /** Time of the run (server items carry timestamps near it). */
  now: number
}

export const CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'

/** Host and, usually, an ordinary browser User-Agent. */
export function baseHeaders(rng: Rng): Array<[Bytes, Bytes]> {
  const h: Array<[Bytes, Bytes]> = [['Host', '127.0.0.1']]
  if (rng.chance(0.8)) h.push(['User-Agent', CHROME_UA])
  return h
}

/** A hostile value for a header: long, not UTF-8, control characters, lists. */
export function oddHeaderValue(rng: Rng): Bytes {
  switch (rng.int(0, 7)) {
    case 0:
      return 'a'.repeat(rng.int(1_000, 60_000))
    case 1:
      return Buffer.concat([Buffer.from('x'), rng.pick(BAD_UTF8), Buffer.from('y')])
    case 2:
      return rng.pick(['', ' ', '\t', ',', ',,,', '""', 'null', '0'])
    case 3:
      return Array.from({ length: rng.int(2, 500) }, (_, i) => `v${i}`).join(', ')
    // Control characters other than tab make uWS drop the request (the protocol family sends those).
    case 4:
      return Buffer.from(rng.bytes(rng.int(1, 64)).map((b) => (b < 32 && b !== 9 ? 65 : b)))
    case 5:
      return '%00%ff%zz\\u0000'
    case 6:
      return '€'.repeat(rng.int(1, 3000))
    default:
      return rng.pick([
        '1.2.3.4, 5.6.7.8',
        '::ffff:1.2.3.4',
        '999.1.1.1',
        '[::1]:80',
        'unknown',
        '1.2.3.4'.repeat(1000),
        '2001:db8::1, 127.0.0.1',
      ])
  }
}

export interface BodyPlan {
  kind: string
  body: Buffer
}

/**
 * A body derived from a valid template by one mutation (or none: `valid`). `limit` is the route's body
 * limit: sizes are drawn around it, so some cases sit just under it and some over.
 */
export function hostileBody(
  rng: Rng,
  template: () => Record<string, Json>,
  limit: number,
  objectField?: string,
): BodyPlan {
  const t = template()
  const entries = entriesOf(t)
  const keys = entries.map(([k]) => k)
  const budget = Math.max(100, Math.min(limit - 500, 60_000))
  const replace = (key: string, value: Json): Record<string, Json> =>
    obj(entries.map(([k, v]) => [k, k === key ? value : v]))
  const kind = rng.weighted<string>([
    [15, 'valid'],
    [6, 'drop-field'],
    [15, 'wrong-type'],
    [4, 'all-wrong'],
    [8, 'proto-keys'],
    [5, 'many-props'],
    [5, 'deep-field'],
    [5, 'deep-body'],
    [4, 'huge-string'],
    [4, 'odd-number'],
    [5, 'truncated'],
    [6, 'not-json'],
    [6, 'invalid-utf8'],
    [4, 'dup-keys'],
    [3, 'primitive'],
    [3, 'empty'],
    [2, 'bom'],
  ])
  const json = (v: Json): BodyPlan => ({ kind, body: encodeJson(v) })
  switch (kind) {
    case 'valid':
      return json(t)
    case 'drop-field': {
      const k = rng.pick(keys)
      return json(obj(entries.filter(([x]) => x !== k)))
    }
    case 'wrong-type':
      return json(replace(rng.pick(keys), oddValue(rng, budget)))
    case 'all-wrong':
      return json(obj(entries.map(([k]) => [k, oddValue(rng, Math.floor(budget / keys.length))])))
    case 'proto-keys': {
      const poison = (): Json =>
        obj([
          [
            '__proto__',
            obj([
              ['polluted', true],
              ['isAdmin', true],
            ]),
          ],
          ['constructor', obj([['prototype', obj([['polluted', true]])]])],
          ['prototype', obj([['x', 1]])],
        ])
      const key = rng.pick(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'])
      const nested = entries.map(([k, v]): [string, Json] => [k, k === objectField || rng.chance(0.2) ? poison() : v])
      return json(
        obj(
          rng.chance(0.5)
            ? [[key, poison()], ...nested]
            : [...nested, [key, rng.pick<Json>([poison(), 'x', 1, null, [poison()]])]],
        ),
      )
    }
    case 'many-props':
      return json(
        objectField && rng.chance(0.7)
          ? replace(objectField, manyProps(rng))
          : new Raw(`${manyProps(rng).bytes.toString().slice(0, -1)},${encodeJson(t).toString().slice(1)}`),
      )
    case 'deep-field':
      return json(replace(rng.pick(keys), deepNesting(rng, rng.int(1_000, Math.min(10_000, Math.floor(budget / 6))))))
    case 'deep-body':
      return json(deepNesting(rng, rng.int(10_000, 100_000)))
    case 'huge-string':
      return json(replace(rng.pick(keys), 'h'.repeat(rng.chance(0.5) ? rng.int(1, budget) : limit + rng.int(1, 1000))))
    case 'odd-number':
      return json(
        replace(
          rng.pick(keys),
          new Raw(
            rng.pick([
              '1e309',
              '-0',
              '-1e309',
              '1e-400',
              '99999999999999999999999',
              '0.1e1',
              '-9007199254740993',
              '1E400',
              '2e-324',
            ]),
          ),
        ),
      )
    case 'truncated': {
      const text = encodeJson(t)
      return { kind, body: text.subarray(0, rng.int(0, text.length - 1)) }
    }
    case 'not-json':
      return { kind, body: notJson(rng, encodeJson(t)) }
    case 'invalid-utf8': {
      const bad = new Raw(Buffer.concat([Buffer.from('"'), rng.pick(BAD_UTF8), Buffer.from('"')]))
      if (rng.chance(0.3))
        return {
          kind,
          body: Buffer.concat([Buffer.from('{"'), rng.pick(BAD_UTF8), Buffer.from('":1,'), encodeJson(t).subarray(1)]),
        }
      return json(replace(rng.pick(keys), bad))
    }
    case 'dup-keys': {
      const text = encodeJson(t).toString()
      const k = rng.pick(keys)
      const dup = `${JSON.stringify(k)}:${encodeJson(oddValue(rng, 1000)).toString()}`
      return { kind, body: Buffer.from(rng.chance(0.5) ? `{${dup},${text.slice(1)}` : `${text.slice(0, -1)},${dup}}`) }
    }
    case 'primitive':
      return { kind, body: Buffer.from(rng.pick(['null', '1', '"x"', '[]', 'true', '[{}]', '-0', '1e309', '[null]'])) }
    case 'empty':
      return { kind, body: Buffer.from(rng.pick(['', ' ', '\n\n', '\r\n', '\t'])) }
    default:
      return { kind, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), encodeJson(t)]) }
  }
}

/** Bytes that are not one JSON document. */
export function notJson(rng: Rng, valid: Buffer): Buffer {
  switch (rng.int(0, 8)) {
    case 0:
      return rng.bytes(rng.int(1, 2000))
    case 1:
      return Buffer.concat([valid, Buffer.from(rng.pick(['x', '}', ',', '{}', ' garbage', '\u0000']))])
    case 2:
      return Buffer.from(valid.toString('utf8'), 'utf16le')
    case 3:
      return Buffer.from(`// comment\n${valid}`)
    case 4:
      return Buffer.from(valid.toString().replace(/"/g, "'"))
    case 5:
      return Buffer.from(
        rng.pick(['NaN', 'undefined', '{a:1}', '{"a":1,}', '[1,]', '{"a" 1}', '"\\ud800"', '\u0000', 'nul']),
      )
    case 6:
      return Buffer.concat([valid, Buffer.from('\n'), valid])
    case 7:
      return Buffer.concat([rng.pick(BAD_UTF8), valid])
    default:
      return Buffer.from(valid.toString().replace(/:/g, '='))
  }
}

/** An odd query string (without the `?`). */
export function oddQuery(rng: Rng): Bytes {
  switch (rng.int(0, 9)) {
    case 0:
      return 'from=&from=&to=&to='
    case 1:
      return rng.pick(['from=%', 'from=%zz', 'to=%E0%A4%A', 'tz=%ff%fe', 'filter=%00', '%=%', 'a=%2'])
    case 2:
      return `q=${'a'.repeat(rng.int(5_000, 12_000))}`
    case 3:
      return Array.from({ length: rng.int(100, 1500) }, () => 'filter=path:/x').join('&')
    case 4:
      return rng.pick([
        '__proto__=1',
        'constructor=x&prototype=y',
        '__proto__[polluted]=1',
        'toString=1&hasOwnProperty=2',
      ])
    case 5:
      return Buffer.concat([Buffer.from('from='), rng.pick(BAD_UTF8), Buffer.from('&to=2026-01-01')])
    case 6:
      return rng.pick([
        'from=2026-02-30&to=2026-13-01',
        'from=9999-12-31&to=0000-01-01',
        'from=2026-11-26T08:07:00Z',
        'tz=Mars/Olympus',
        'interval=year',
        'limit=-1',
        'limit=1e309',
        'limit=99999999',
        'compare=next',
        'filter=prop:a=b&filter=path:',
        'from=1e309',
      ])
    case 7:
      return rng.pick(['&&&', '=', '==', '?', '#frag', '&=&=&', ';', 'from[]=1', 'from.x=1'])
    case 8:
      if (rng.chance(0.5))
        return (
          rng.pick(['filter=path:/', 'filter=prop:k=', 'tz=', 'filter=page:/', 'limit=']) +
          'L'.repeat(rng.int(1_000, 12_000))
        )
      return (
        `from=2025-01-01&to=2026-12-31&interval=${rng.pick(['hour', 'day', 'week', 'month'])}` +
        `&tz=${rng.pick(['UTC', 'Pacific/Kiritimati', 'Asia/Kathmandu', 'America/St_Johns'])}`
      )
    default:
      return ''
  }
}

/** An odd value for a path parameter (`:id`, `:goal_id`, …), already in the path's encoding. */
export function oddId(rng: Rng): Bytes {
  switch (rng.int(0, 7)) {
    case 0:
      return '00000000-0000-0000-0000-000000000000'
    case 1:
      return rng.pick(['%', '%zz', '%00', '%ff%fe', '%2F', '%2e%2e', '..', '.', '%C0%AF'])
    case 2:
      return 'x'.repeat(rng.int(200, 8_000))
    case 3:
      return Buffer.concat([Buffer.from('a'), rng.pick(BAD_UTF8)])
    case 4:
      return rng.pick(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString'])
    case 5:
      return rng.pick(['-1', '0', '1e309', 'NaN', 'null', 'undefined', 'true'])
    case 6:
      return encodeURIComponent(rng.pick(['💥', 'é', '\u0000', '<script>', "' OR 1=1 --", '{}']))
    default:
      return rng.pick(['a;b', 'a,b', 'a%20b', 'a+b', '*'])
  }
}

/** Uses `value` most of the time, an odd id otherwise. */
export const idOr = (rng: Rng, value: string, pOdd = 0.3): Bytes => (rng.chance(pOdd) ? oddId(rng) : value)
