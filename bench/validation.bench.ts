/**
 * Body validation on the HTTP thread: what `JSON.parse` alone costs next to `JSON.parse` +
 * `validatePayload` (src/ingest/payload.ts, hand-checked) — on the seed body, on what hk.js sends, on what
 * HitKeep's own tracker sends (src/ingest/hitkeep-payload.ts: the page URL rebuilt from the Origin) and on
 * invalid bodies — side by side in one run. Parsing starts from a Buffer, as the ingest route does
 * (`body.toString('utf8')`). Every task runs BATCH operations per sample so tinybench's per-call overhead does not
 * swamp the result.
 *
 *   node esbuild.config.mjs && node dist/bench/validation.bench.js
 * @module
 */
import { Bench } from 'tinybench'
import { EventKind, validatePayload } from '../src/ingest/payload.js'

const BATCH = 200
const seed = Buffer.from(
  JSON.stringify({
    site_id: '6f1c2a4e-8a3b-4c7d-9e2f-1a2b3c4d5e6f',
    name: 'purchase',
    url: 'https://example.com/checkout/success',
    referrer: '',
    props: { plan: 'pro', amount: '49' },
  }),
)
// What hk.js sends for a pageview (sendBeacon, text/plain): the common case on the HTTP thread.
const hkPageview = Buffer.from(
  JSON.stringify({
    url: 'https://example.com/pricing?utm_source=news',
    referrer: 'https://news.example/article',
    screen_width: 1280,
    session_id: '0f8e3c1a-5b7d-4e2f-9a6c-3d1b2e4f5a6b',
  }),
)
// What HitKeep's tracker sends (as test/fixtures/hitkeep/page.html does), with the page's Origin.
const ORIGIN = 'https://example.com'
const hitkeepPageview = Buffer.from(
  JSON.stringify({
    path: '/pricing',
    referrer: 'https://news.example/article',
    ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
    vp_w: 1280,
    vp_h: 720,
    sc_w: 1920,
    sc_h: 1080,
    lang: 'en-US',
    u_src: 'news',
    u_med: null,
    u_cmp: 'launch',
    u_trm: null,
    u_cnt: null,
    qr: null,
    unique: true,
    session_id: '0f8e3c1a-5b7d-4e2f-9a6c-3d1b2e4f5a6b',
    page_id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    tsrc: 'hk.js',
    tv: '',
  }),
)
const hitkeepEvent = Buffer.from(
  JSON.stringify({
    n: 'signup',
    p: { plan: 'pro' },
    r: 'https://news.example/article',
    sid: '0f8e3c1a-5b7d-4e2f-9a6c-3d1b2e4f5a6b',
    tsrc: 'hk.js',
    tv: '',
  }),
)
// Invalid in two fields (the site id is not a UUID, the URL is relative): the error path builds issues.
const invalid = Buffer.from(
  JSON.stringify({ site_id: 'nope', name: 'purchase', url: '/checkout/success', referrer: '', props: { plan: 'pro' } }),
)
// Invalid in one field only (name missing): the cheapest rejection that still runs the whole schema.
const noName = Buffer.from(
  JSON.stringify({ site_id: '6f1c2a4e-8a3b-4c7d-9e2f-1a2b3c4d5e6f', url: 'https://example.com/x', referrer: '' }),
)

const cases = [
  ['seed body', seed, EventKind.Custom, true],
  ['hk.js pageview', hkPageview, EventKind.Pageview, true],
  ["HitKeep's pageview", hitkeepPageview, EventKind.Pageview, true],
  ["HitKeep's event", hitkeepEvent, EventKind.Custom, true],
  ['invalid body (2 fields)', invalid, EventKind.Custom, false],
  ['invalid body (no name)', noName, EventKind.Custom, false],
] as const
for (const [what, body, kind, ok] of cases) {
  const r = validatePayload(kind, JSON.parse(body.toString('utf8')), ORIGIN)
  if (r.ok !== ok) throw new Error(`${what} body: validatePayload said ok=${r.ok}, expected ${ok}`)
}

let sink = 0
const bench = new Bench({ name: 'body validation', time: 700, warmupTime: 200 })
for (const [what, body, kind] of cases) {
  bench
    .add(`${what}: JSON.parse`, () => {
      for (let i = 0; i < BATCH; i++) sink += (JSON.parse(body.toString('utf8')) as object) ? 1 : 0
    })
    .add(`${what}: JSON.parse + validatePayload`, () => {
      for (let i = 0; i < BATCH; i++)
        sink += validatePayload(kind, JSON.parse(body.toString('utf8')), ORIGIN).ok ? 1 : 0
    })
}
await bench.run()
console.log(`${bench.name} (${seed.length}-byte seed body, ${BATCH} ops per sample)`)
console.table(bench.table())

const perOp = new Map<string, number>()
for (const task of bench.tasks) {
  const r = task.result
  if (r.state === 'completed') perOp.set(task.name, (r.latency.mean * 1e6) / BATCH)
}
console.table(
  [...perOp].map(([name, ns]) => {
    const parseOnly = perOp.get(name.replace(' + validatePayload', ''))
    const extra = name.includes('validatePayload') && parseOnly !== undefined ? ns - parseOnly : undefined
    return {
      task: name,
      'ns/op': ns.toFixed(0),
      'validation adds ns': extra?.toFixed(0) ?? '',
      'ratio to parse': parseOnly ? (ns / parseOnly).toFixed(2) : '',
    }
  }),
)
if (sink === 42) console.log('')
