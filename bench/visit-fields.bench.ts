/**
 * The visit attributes of a stored event, read three ways, per visit start (what src/derive/count.ts
 * does for each new visit, in the drain and the recount): written out field by field; a loop over the
 * table's `[key, metric]` pairs (`e[key]`, a keyed load whose key changes each iteration); and a
 * function generated once from the table (src/event/compile.ts), which is the written-out code.
 * Events come from the block decoder, so they have its one object shape. A sink that adds stands for
 * RollupDeltas.count, so the reads are what is measured.
 *
 *   node esbuild.config.mjs && node dist/bench/visit-fields.bench.js
 * @module
 */
import { Bench } from 'tinybench'
import { SESSION_FIELDS, STORED_FIELDS, type StoredEvent, type StoredField } from '../src/event/index.js'
import { compileFieldCode } from '../src/event/index.js'
import { decodeEventBlock, encodeEventBlock } from '../src/store/event-block.js'

const N = 1_000
const raw: StoredEvent[] = []
for (let i = 0; i < N; i++) {
  const e = {} as Record<string, unknown>
  for (const f of STORED_FIELDS as readonly StoredField[])
    e[f.key] =
      f.codec === 'varint'
        ? (i * 7 + f.key.length) % 5
        : f.codec === 'visitor'
          ? Buffer.alloc(8, i)
          : f.codec === 'str'
            ? ''
            : f.codec === 'props'
              ? null
              : 0
  raw.push(e as StoredEvent)
}
const events = decodeEventBlock(encodeEventBlock(0, raw)).e

interface Sink {
  total: number
  count(site: number, metric: number, ts: number, dim: number): void
}
const sink: Sink = {
  total: 0,
  count(_site, metric, _ts, dim) {
    this.total += metric * dim
  },
}

function writtenOut(d: Sink, site: number, start: number, e: StoredEvent): void {
  if (e.browserId) d.count(site, 15, start, e.browserId)
  if (e.osId) d.count(site, 16, start, e.osId)
  if (e.deviceId) d.count(site, 17, start, e.deviceId)
  if (e.screenId) d.count(site, 18, start, e.screenId)
  if (e.sourceId) d.count(site, 8, start, e.sourceId)
  if (e.referrerHostId) d.count(site, 9, start, e.referrerHostId)
  if (e.utmSourceId) d.count(site, 10, start, e.utmSourceId)
  if (e.utmMediumId) d.count(site, 11, start, e.utmMediumId)
  if (e.utmCampaignId) d.count(site, 12, start, e.utmCampaignId)
  if (e.utmTermId) d.count(site, 13, start, e.utmTermId)
  if (e.utmContentId) d.count(site, 14, start, e.utmContentId)
  if (e.languageId) d.count(site, 22, start, e.languageId)
}

const KEYS = SESSION_FIELDS.map((f) => f.key as keyof StoredEvent)
const METRICS = SESSION_FIELDS.map((f) => f.metric)
function keyedLoop(d: Sink, site: number, start: number, e: StoredEvent): void {
  for (let i = 0; i < KEYS.length; i++) {
    const id = e[KEYS[i]!] as number
    if (id) d.count(site, METRICS[i]!, start, id)
  }
}

const generated = compileFieldCode<(d: Sink, site: number, start: number, e: StoredEvent) => void>(
  ['d', 'site', 'start', 'e'],
  SESSION_FIELDS.map((f) => `if (e.${f.key}) d.count(site, ${f.metric}, start, e.${f.key})`).join('\n'),
)

const bench = new Bench({ time: 1_000, warmup: true })
const ways = {
  'written out': writtenOut,
  generated,
  'keyed loop': keyedLoop,
  'written out again': writtenOut,
  'generated again': generated,
}
for (const [name, fn] of Object.entries(ways))
  bench.add(name, () => {
    for (let i = 0; i < N; i++) fn(sink, 1, 0, events[i]!)
  })
await bench.run()
console.table(
  bench.tasks.map((t) => {
    const r = t.result
    return {
      way: t.name,
      'ns per visit start': r.state === 'completed' ? ((r.latency.mean * 1e6) / N).toFixed(1) : r.state,
    }
  }),
)
if (sink.total === 0) console.log('(nothing counted)')

// The event-block codec (src/store/event-block.ts) over the same 1,000 events: ns per event.
const codec = new Bench({ time: 1_000, warmup: true })
let bytes = encodeEventBlock(0, events)
codec.add('encode a block', () => {
  bytes = encodeEventBlock(0, events)
})
codec.add('decode a block', () => {
  if (decodeEventBlock(bytes).e.length !== N) throw new Error('decoded count')
})
await codec.run()
console.table(
  codec.tasks.map((t) => {
    const r = t.result
    return { task: t.name, 'ns per event': r.state === 'completed' ? ((r.latency.mean * 1e6) / N).toFixed(1) : r.state }
  }),
)
