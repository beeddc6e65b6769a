/**
 * Hostile JSON: values and whole bodies that a JSON.stringify of ordinary objects cannot produce —
 * raw number tokens (`1e309`, `-0`, `NaN`), invalid UTF-8 inside strings, `__proto__` as an own key,
 * nesting 10^4–10^5 levels deep, 10,000 properties. A body is built as a tree of plain values plus
 * {@link Raw} pieces and written by {@link encodeJson}, which copies raw pieces byte for byte.
 * @module
 */
import type { Rng } from './rng.js'

/** Bytes written into the JSON text as they are (a token, a deep structure, invalid UTF-8). */
export class Raw {
  readonly bytes: Buffer
  constructor(text: string | Buffer) {
    this.bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text
  }
}

export type Json = null | boolean | number | string | Raw | Json[] | { [key: string]: Json }

/**
 * An object with exactly these own keys, in this order — `__proto__` included (a literal or an
 * assignment would set the prototype instead of adding the key).
 */
export function obj(entries: Array<[string, Json]>): { [key: string]: Json } {
  const o = Object.create(null) as { [key: string]: Json }
  for (const [k, v] of entries)
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true })
  return o
}

/** The entries of an object built here or by a literal (own enumerable keys, `__proto__` too). */
export function entriesOf(o: { [key: string]: Json }): Array<[string, Json]> {
  return Object.keys(o).map((k) => [k, o[k]!])
}

/** Writes the tree as JSON text; Raw pieces go in unchanged. Trees built here are shallow (deep parts are Raw). */
export function encodeJson(value: Json): Buffer {
  const out: Buffer[] = []
  const walk = (v: Json): void => {
    if (v instanceof Raw) out.push(v.bytes)
    else if (Array.isArray(v)) {
      out.push(Buffer.from('['))
      v.forEach((x, i) => {
        if (i > 0) out.push(Buffer.from(','))
        walk(x)
      })
      out.push(Buffer.from(']'))
    } else if (v !== null && typeof v === 'object') {
      out.push(Buffer.from('{'))
      Object.keys(v).forEach((k, i) => {
        out.push(Buffer.from(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`))
        walk(v[k]!)
      })
      out.push(Buffer.from('}'))
    } else out.push(Buffer.from(JSON.stringify(v)))
  }
  walk(value)
  return Buffer.concat(out)
}

/** `[[[…]]]` or `{"a":{"a":…}}` (or a mix), `levels` deep: text only, never a JS tree (no recursion anywhere). */
export function deepNesting(rng: Rng, levels: number): Raw {
  const style = rng.pick(['array', 'object', 'mixed', 'unclosed'] as const)
  if (style === 'array' || style === 'unclosed') {
    return new Raw('['.repeat(levels) + (style === 'unclosed' ? '' : ']'.repeat(levels)))
  }
  const open: string[] = []
  const close: string[] = []
  for (let i = 0; i < levels; i++) {
    const asObject = style === 'object' || (i & 1) === 0
    open.push(asObject ? '{"a":' : '[')
    close.push(asObject ? '}' : ']')
  }
  return new Raw(`${open.join('')}1${close.reverse().join('')}`)
}

/** An object of `n` keys (10,000 by default), with values of mixed types. */
export function manyProps(rng: Rng, n = 10_000): Raw {
  const parts: string[] = []
  const kind = rng.int(0, 3)
  for (let i = 0; i < n; i++) parts.push(`"k${i}":${kind === 0 ? i : kind === 1 ? '"v"' : kind === 2 ? 'true' : '{}'}`)
  return new Raw(`{${parts.join(',')}}`)
}

/** Invalid UTF-8 sequences: a lone continuation byte, overlong forms, surrogates, truncated sequences, 0xFF. */
export const BAD_UTF8: readonly Buffer[] = [
  Buffer.from([0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xe0, 0x80, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
]

/** A JSON string whose bytes are not UTF-8. */
export function badUtf8String(rng: Rng): Raw {
  return new Raw(Buffer.concat([Buffer.from('"ab'), rng.pick(BAD_UTF8), Buffer.from('cd"')]))
}

const ODD_NUMBERS = [
  '1e309',
  '-1e309',
  '-0',
  '1e-400',
  '123456789012345678901234567890',
  '9007199254740993',
  '-1',
  '0.5',
  '1E+2',
  '0x10',
  'NaN',
  'Infinity',
  '-Infinity',
  '01',
  '1.',
  '.5',
  '+1',
  '1e',
  '--1',
]

/** A value of a type or size no field expects: used to replace one field, or every field. */
export function oddValue(rng: Rng, budget = 60_000): Json {
  switch (rng.int(0, 17)) {
    case 0:
      return null
    case 1:
      return rng.chance(0.5)
    case 2:
      return new Raw(rng.pick(ODD_NUMBERS))
    case 3:
      return rng.pick([
        '',
        ' ',
        '\t\n',
        '\u0000',
        '\ud800',
        '\udfff\ud800',
        '\u2028\u2029',
        '💥'.repeat(50),
        'null',
        'undefined',
      ])
    case 4:
      return 'x'.repeat(rng.int(1, Math.max(1, budget)))
    case 5:
      return '€'.repeat(rng.int(1, Math.max(1, budget / 3)))
    case 6:
      return badUtf8String(rng)
    case 7:
      return []
    case 8:
      return obj([])
    case 9:
      return [1, 'a', null, [obj([])]]
    case 10:
      return deepNesting(rng, Math.min(rng.int(100, 10_000), Math.floor(budget / 6)))
    case 11:
      return obj([
        ['__proto__', obj([['polluted', true]])],
        ['constructor', obj([['prototype', obj([['polluted', true]])]])],
      ])
    case 12:
      return manyProps(rng, Math.min(10_000, Math.floor(budget / 12)))
    case 13:
      return Array.from({ length: Math.min(10_000, budget >> 2) }, (_, i) => i)
    case 14:
      return rng.pick([
        'javascript:alert(1)',
        'http://[::1',
        `https://${'a'.repeat(3000)}.example/`,
        'http://%zz/',
        'https://xn--/',
        'ftp://x.example/',
        '//x.example/',
        'http://user:pw@x.example:99999/',
      ])
    case 15:
      return rng.pick([
        '2026-02-30T25:61:61Z',
        '9999-12-31T23:59:59Z',
        '0000-01-01T00:00:00Z',
        '2026-11-26T08:00:00+99:99',
        '2026-11-26 08:00:00Z',
        '1e309',
      ])
    case 16:
      return rng.pick([
        '00000000-0000-0000-0000-000000000000',
        'ffffffff-ffff-ffff-ffff-fffffffffffg',
        '../../etc/passwd',
        '%00',
        '\u0000\u0001',
        '*',
        '<script>',
      ])
    default:
      return new Raw(
        rng.pick(['"unterminated', '"\\x41"', '"\\u12"', "'single'", 'tru', 'nul', '{', ']', '"\\ud800\\u0041"']),
      )
  }
}
