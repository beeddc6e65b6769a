/**
 * The stored event's table-driven hot code against the same code written out by hand, over 1,000 events:
 * - the visit attributes counted at a visit's start (src/derive/count.ts): written out; a loop over the
 *   table's `[key, metric]` pairs (`e[key]`, a keyed load whose key changes each turn); the function
 *   generated once from the table (src/event/compile.ts), which is the written-out code. A sink that adds
 *   stands for RollupDeltas.count, so the reads are what is measured;
 * - the event-block codec (src/store/event-block.ts), its ids after the visitor generated: ns per event;
 * - the drain's stored event (src/drain/write-batch.ts `storedEventOf`), its ids interned through a
 *   per-kind cache as the Interner's: the literal written out against the generated one.
 * Events come from the block decoder, so they have its one object shape.
 *
 *   node esbuild.config.mjs && node dist/bench/visit-fields.bench.js
 * @module
 */
import { Bench } from 'tinybench'
import { SESSION_FIELDS, STORED_FIELDS, type StoredEvent, type StoredField } from '../src/event/index.js'
import { compileFieldCode } from '../src/event/index.js'
import { decodeEventBlock, encodeEventBlock } from '../src/store/event-block.js'
import { storedEventOf } from '../src/drain/write-batch.js'
import type { EventItem } from '../src/drain/decode.js'

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

// The drain's stored event (src/drain/write-batch.ts), its ids interned through a cache as the Interner's:
// the literal written out against the generated storedEventOf. ns per event.
// Per kind, text → id: as the Interner's cache (src/store/strings.ts), which a drained batch mostly hits.
const cache: Array<Map<string, number>> = Array.from({ length: 16 }, () => new Map())
let next = 1
const id = (kind: number, text: string): number => {
  if (text === '') return 0
  const map = cache[kind]!
  let v = map.get(text)
  if (v === undefined) map.set(text, (v = next++))
  return v
}
const words = ['chrome', 'firefox', 'safari', 'linux', 'mac', 'desktop', 'mobile', 'google', 'news', 'pt', 'en']
const items = Array.from({ length: N }, (_, i) => {
  const w = (n: number) => words[(i + n) % words.length]!
  return {
    payload: { kind: 0, name: '', referrer: '', props: null },
    path: `/p${i % 50}`,
    query: '',
    hostname: 'example.com',
    browser: w(0),
    os: w(1),
    device: w(2),
    screen: w(3),
    source: w(4),
    referrerHost: w(5),
    utm: { source: w(6), medium: w(7), campaign: '', term: '', content: '' },
    language: w(9),
  } as unknown as EventItem
})
const visitorBytes = Buffer.alloc(8)
function literal(item: EventItem) {
  // As written by hand before the drain's was generated: the fields of that day (unchecked against the table).
  return {
    dt: 0,
    kind: item.payload.kind,
    nameId: item.payload.kind === 1 ? id(1, item.payload.name) : 0,
    pathId: id(2, item.path),
    query: item.query,
    referrer: item.payload.referrer,
    props: item.payload.props,
    sessionNo: 0,
    visitor: visitorBytes,
    hostId: id(3, item.hostname),
    browserId: id(7, item.browser),
    osId: id(8, item.os),
    deviceId: id(9, item.device),
    screenId: id(10, item.screen),
    sourceId: id(4, item.source),
    referrerHostId: id(5, item.referrerHost),
    utmSourceId: id(6, item.utm.source),
    utmMediumId: id(6, item.utm.medium),
    utmCampaignId: id(6, item.utm.campaign),
    utmTermId: id(6, item.utm.term),
    utmContentId: id(6, item.utm.content),
    languageId: id(13, item.language),
  }
}
function generatedLiteral(item: EventItem): StoredEvent {
  const p = item.payload
  return storedEventOf(
    0,
    p.kind,
    p.kind === 1 ? id(1, p.name) : 0,
    id(2, item.path),
    item.query,
    p.referrer,
    p.props,
    0,
    visitorBytes,
    item,
    id,
  )
}
const stored = new Bench({ time: 1_000, warmup: true })
let sum = 0
for (const [name, fn] of [
  ['written out', literal],
  ['generated', generatedLiteral],
  ['written out again', literal],
  ['generated again', generatedLiteral],
] as const)
  stored.add(`stored event, ${name}`, () => {
    for (let i = 0; i < N; i++) sum += fn(items[i]!).languageId
  })
await stored.run()
console.table(
  stored.tasks.map((t) => {
    const r = t.result
    return { task: t.name, 'ns per event': r.state === 'completed' ? ((r.latency.mean * 1e6) / N).toFixed(1) : r.state }
  }),
)
if (sum === 0) console.log('(nothing interned)')
