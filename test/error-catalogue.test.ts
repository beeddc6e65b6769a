/**
 * The error catalogue (src/errors/) is the one list of codes: every entry has a status and a message,
 * no code is listed twice, every code the source refuses with is in it (and every entry is refused with
 * somewhere), refusals are made nowhere else, the dashboard matches only codes that exist, and the
 * README's tables of error codes list every code with its status. The wire bodies of the codes with
 * several messages are pinned byte for byte (the e2e tests pin the others).
 */
import fs from 'node:fs'
import path from 'node:path'
import { expect, test } from 'vitest'
import { CATALOGUE, Refusal, refuse, refusalFrom, type ErrorCode, type RefusalArgs } from '../src/errors/index.js'

const SRC = path.join(import.meta.dirname, '..', 'src')
const CODES = Object.keys(CATALOGUE) as ErrorCode[]

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : []
  })
}
const files = sourceFiles(SRC).map((p) => ({ p: path.relative(SRC, p), text: fs.readFileSync(p, 'utf8') }))

/** Arguments for every code, one list per message it can give: a new code without any fails the first test. */
const SAMPLES: { [C in ErrorCode]: RefusalArgs<C>[] } = {
  invalid_json: [['Unexpected token']],
  invalid_field: [[[{ field: 'props.plan', message: 'value is over 2000 bytes' }]]],
  missing_site_id: [[]],
  invalid_content_length: [[]],
  unknown_site: [
    ['id', 's'],
    ['id visible to you', 's'],
    ['url host visible to token', 'a.example'],
  ],
  not_found: [[]],
  method_not_allowed: [['POST']],
  body_too_large: [[65536]],
  unsupported_media_type: [
    ['json or beacon', 'text/xml'],
    ['json', 'text/xml'],
    ['batch', 'text/xml'],
  ],
  rate_limited: [
    ['address', 2],
    ['token', 2],
  ],
  ingest_queue_full: [[]],
  storage_unavailable: [[]],
  shutting_down: [['event'], ['request']],
  not_stored: [[]],
  internal_error: [[]],
  empty_batch: [[]],
  batch_too_large: [[11, 10]],
  unauthorized: [['sign-in or token'], ['token']],
  invalid_credentials: [[]],
  forbidden: [['editor']],
  session_required: [[]],
  cross_site_request: [['Sec-Fetch-Site is cross-site']],
  invalid_setup_token: [[true], [false]],
  unknown_goal: [['g']],
  unknown_api_client: [['c']],
  unknown_user: [['a@example.com']],
  unknown_member: [['u']],
  setup_complete: [[]],
  last_owner: [[]],
  duplicate_domain: [['a.example']],
  duplicate_email: [['a@example.com']],
  too_many_streams: [['user', 8, '-stream-max-per-user', 30]],
  invalid_parameter: [['expected an integer from 1 to 1000, got "0"', 'limit'], ['no field named']],
  invalid_range: [['2026-03-02 is after to (2026-03-01)', 'from']],
  range_too_large: [['the range is over ten years long', 'from']],
  invalid_filter: [['expected type:value, got "x"', 'filter']],
  unsupported_filter: [['one filter at a time', 'filter']],
  unsupported_range: [['event properties are kept per day', 'tz']],
}

test('every code has a 4xx/5xx status and a message, and its refusal answers as the catalogue says', () => {
  expect(Object.keys(SAMPLES).sort()).toEqual([...CODES].sort())
  for (const code of CODES) {
    const status = CATALOGUE[code].status
    expect(Number.isInteger(status) && status >= 400 && status <= 599, code).toBe(true)
    for (const args of SAMPLES[code]) {
      const r = (refuse as (c: ErrorCode, ...a: unknown[]) => Refusal)(code, ...args)
      expect(r, code).toBeInstanceOf(Refusal)
      expect([r.status, r.code, r.body.code], code).toEqual([status, code, code])
      expect(r.message.trim().length, code).toBeGreaterThan(0)
      expect(r.body.message).toBe(r.message)
      // A field is named in both places or in neither; `field` is the first of `fields`.
      expect(r.body.field, code).toBe(r.fields?.[0]?.field)
      expect(Object.keys(r.body), code).toEqual(r.fields ? ['code', 'message', 'field', 'fields'] : ['code', 'message'])
      // What survives a worker's structured clone makes the same refusal again.
      expect(refusalFrom(structuredClone(r))).toEqual(r)
    }
  }
})

test('no two entries of the catalogue share a code', () => {
  // An object literal keeps the last of two equal keys, so read the table's keys from its source.
  const text = fs.readFileSync(path.join(SRC, 'errors', 'catalogue.ts'), 'utf8')
  const table = text.slice(
    text.indexOf('export const CATALOGUE = {'),
    text.indexOf('} satisfies Record<string, Entry>'),
  )
  const keys = [...table.matchAll(/^ {2}(\w+): /gm)].map((m) => m[1]!)
  expect(keys.length).toBeGreaterThan(30)
  expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([])
  expect([...keys].sort()).toEqual([...CODES].sort())
})

test('every code the source refuses with is in the catalogue, and every entry is refused with somewhere', () => {
  const refused = new Map<string, string[]>()
  for (const { p, text } of files) {
    if (p.startsWith('errors/')) continue
    // refuse('code', …), the call written on one line or with the code on the next.
    for (const m of text.matchAll(/\brefuse\(\s*'([a-z_]+)'/g)) refused.set(m[1]!, [...(refused.get(m[1]!) ?? []), p])
  }
  expect(refused.size).toBeGreaterThan(30)
  expect([...refused.keys()].filter((code) => !(code in CATALOGUE))).toEqual([])
  expect(CODES.filter((code) => !refused.has(code))).toEqual([])
})

test('refusals are made only by refuse(): no hand-made error bodies, no other error classes for answers', () => {
  const offenders: string[] = []
  for (const { p, text } of files) {
    if (p.startsWith('errors/') || p.startsWith('dashboard/')) continue
    if (/new Refusal\(/.test(text)) offenders.push(`${p}: new Refusal( outside src/errors`)
    // The classes this catalogue replaced, or a new one like them.
    for (const m of text.matchAll(/class (\w+) extends Error\b/g))
      if (/Refusal|ApiError|HttpError|QueryError/.test(m[1]!)) offenders.push(`${p}: class ${m[1]}`)
    // An answer's body written by hand: `{ code: '…', message: … }` (zod's ctx.addIssue takes the same shape).
    for (const m of text.matchAll(/(?<!addIssue\()\{\s*code:\s*'([a-z_]+)',\s*message:/g))
      offenders.push(`${p}: a body for ${m[1]} by hand`)
  }
  expect(offenders).toEqual([])
})

test('the dashboard matches only codes the server answers', () => {
  const compared = new Set<string>()
  for (const { p, text } of files) {
    if (!p.startsWith('dashboard/')) continue
    for (const m of text.matchAll(/\.code === '([a-z_]+)'/g)) compared.add(m[1]!)
    for (const m of text.matchAll(/^\s*case '([a-z_]+)':/gm)) if (p.includes('members')) compared.add(m[1]!)
  }
  expect(compared.size).toBeGreaterThan(2)
  expect([...compared].filter((code) => !(code in CATALOGUE))).toEqual([])
})

test("the README's tables of error codes list every code of the catalogue, with its status", () => {
  const readme = fs.readFileSync(path.join(SRC, '..', 'README.md'), 'utf8')
  const rows = [...readme.matchAll(/^\| (\d{3}) \| `([a-z_]+)` \|/gm)].map((m) => [m[2]!, Number(m[1])] as const)
  for (const [code, status] of rows) {
    expect(code in CATALOGUE, `README lists ${code}`).toBe(true)
    expect(status, code).toBe(CATALOGUE[code as ErrorCode].status)
  }
  expect(CODES.filter((code) => !rows.some(([c]) => c === code))).toEqual([])
})

test('the codes with several messages answer each byte for byte as before the catalogue', () => {
  const wire = (r: Refusal) => [r.status, JSON.stringify(r.body), r.headers ?? null]
  expect(wire(refuse('unknown_site', 'id', 's1'))).toEqual([
    404,
    '{"code":"unknown_site","message":"No site has the id \\"s1\\"","field":"site_id",' +
      '"fields":[{"field":"site_id","message":"unknown site"}]}',
    null,
  ])
  expect(wire(refuse('unknown_site', 'id visible to you', 's1'))).toEqual([
    404,
    '{"code":"unknown_site","message":"No site with the id \\"s1\\" is visible to you","field":"site_id",' +
      '"fields":[{"field":"site_id","message":"unknown site"}]}',
    null,
  ])
  expect(wire(refuse('unknown_site', 'url host visible to token', 'a.example'))).toEqual([
    404,
    '{"code":"unknown_site","message":"No site for the host \\"a.example\\" of url is visible to this API token",' +
      '"field":"url","fields":[{"field":"url","message":"no site for this host"}]}',
    null,
  ])
  expect(refuse('unsupported_media_type', 'json or beacon', 'x/y').message).toBe(
    'Send the body as JSON with Content-Type: application/json (or text/plain, as navigator.sendBeacon does); ' +
      'got "x/y"',
  )
  expect(refuse('unsupported_media_type', 'json', 'x/y').message).toBe(
    'Send the body as JSON with Content-Type: application/json; got "x/y"',
  )
  expect(refuse('unsupported_media_type', 'batch', 'x/y').message).toBe(
    'Send the batch as a JSON array (Content-Type: application/json) or NDJSON (application/x-ndjson); got "x/y"',
  )
  expect(wire(refuse('rate_limited', 'address', 2))).toEqual([
    429,
    '{"code":"rate_limited","message":"Too many requests from this address; retry in 2 s"}',
    { 'Retry-After': '2' },
  ])
  expect(wire(refuse('rate_limited', 'token', 2))).toEqual([
    429,
    '{"code":"rate_limited","message":"Too many requests with this API token; retry in 2 s"}',
    { 'Retry-After': '2' },
  ])
  expect(wire(refuse('shutting_down', 'event'))).toEqual([
    503,
    '{"code":"shutting_down","message":"The server is shutting down; the event was not accepted. Retry shortly."}',
    { 'Retry-After': '1', Connection: 'close' },
  ])
  expect(wire(refuse('shutting_down', 'request'))[1]).toBe(
    '{"code":"shutting_down","message":"The server is shutting down; retry shortly"}',
  )
  expect(refuse('unauthorized', 'token').message).toBe(
    'Send an API client token: Authorization: Bearer <token> or X-Api-Key: <token>',
  )
  expect(refuse('unauthorized', 'sign-in or token').message).toBe(
    'Sign in (the hk_token cookie from POST /api/login) or send an API token (Authorization: Bearer … or X-Api-Key)',
  )
  // A query refusal: `field: detail`, and the field's own message the detail alone.
  const q = refuse('invalid_range', '2026-03-02 is after to (2026-03-01)', 'from')
  expect([q.message, q.detail, q.field]).toEqual([
    'from: 2026-03-02 is after to (2026-03-01)',
    '2026-03-02 is after to (2026-03-01)',
    'from',
  ])
})
