/**
 * Body validation on the HTTP thread: what `JSON.parse` alone costs next to `JSON.parse` +
 * `validatePayload` (src/ingest/payload.ts, hand-checked) — on the seed body and on invalid bodies — side by
 * side in one run. Parsing starts from a Buffer, as the ingest route does (`body.toString('utf8')`).
 * Every task runs BATCH operations per sample so tinybench's per-call overhead does not swamp the result.
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
// Invalid in two fields (the site id is not a UUID, the URL is relative): the error path builds issues.
const invalid = Buffer.from(JSON.stringify({ site_id: 'nope', name: 'purchase', url: '/checkout/success', referrer: '', props: { plan: 'pro' } }))
// Invalid in one field only (name missing): the cheapest rejection that still runs the whole schema.
const noName = Buffer.from(JSON.stringify({ site_id: '6f1c2a4e-8a3b-4c7d-9e2f-1a2b3c4d5e6f', url: 'https://example.com/x', referrer: '' }))

for (const [what, body, ok] of [['seed', seed, true], ['invalid', invalid, false], ['no name', noName, false]] as const) {
  const r = validatePayload(EventKind.Custom, JSON.parse(body.toString('utf8')))
  if (r.ok !== ok) throw new Error(`${what} body: validatePayload said ok=${r.ok}, expected ${ok}`)
}

let sink = 0
const bench = new Bench({ name: 'body validation', time: 700, warmupTime: 200 })
for (const [what, body] of [['seed body', seed], ['invalid body (2 fields)', invalid], ['invalid body (no name)', noName]] as const) {
  bench
    .add(`${what}: JSON.parse`, () => {
      for (let i = 0; i < BATCH; i++) sink += (JSON.parse(body.toString('utf8')) as object) ? 1 : 0
    })
    .add(`${what}: JSON.parse + validatePayload`, () => {
      for (let i = 0; i < BATCH; i++) sink += validatePayload(EventKind.Custom, JSON.parse(body.toString('utf8'))).ok ? 1 : 0
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
    return { task: name, 'ns/op': ns.toFixed(0), 'validation adds ns': extra?.toFixed(0) ?? '', 'ratio to parse': parseOnly ? (ns / parseOnly).toFixed(2) : '' }
  }),
)
if (sink === 42) console.log('')
