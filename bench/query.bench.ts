/**
 * Constant-time reads: the latency of `siteStats` for a one-year range after 10 thousand and after
 * BENCH_QUERY_EVENTS (default 10 million) events in one site, and the ratio. Events go through the
 * real write path in-process (RingWriter + encodeIngestRecord → SegmentDrainer → one LMDB transaction
 * per batch, as the workers do), spread over 2025: sessions of 1–5 pageviews over ~500 paths (Zipf-like),
 * a 50,000-visitor pool a day, 5 user agents, UTM tags and referrers, ~20 custom event names with props.
 *
 *   node esbuild.config.mjs && BENCH_QUERY_EVENTS=1000000 node dist/bench/query.bench.js
 *
 * Env: BENCH_QUERY_EVENTS (big size), BENCH_QUERY_SMALL (10000), BENCH_QUERY_RUNS (25, at least 20).
 * Reported: median / p90 / min over the runs (after 5 warm-up runs) for the calendar year (12 month
 * buckets) and a rolling 365 days (11 months + 30 days), plus the buckets and breakdown rows read.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRing, RingReader, RingWriter } from '../src/ring/index.js'
import { encodeIngestRecord, RECORD_HEADER_BYTES, RECORD_TYPE_INGEST_V1 } from '../src/ingest/record.js'
import { EventKind } from '../src/ingest/payload.js'
import { openStore } from '../src/store/open.js'
import { createSite } from '../src/store/sites.js'
import { SegmentDrainer } from '../src/drain/segment.js'
import type { Goal } from '../src/goals/goal.js'
import { siteStats, type StatsQuery } from '../src/query/index.js'

const BIG = Number(process.env.BENCH_QUERY_EVENTS ?? 10_000_000)
const SMALL = Number(process.env.BENCH_QUERY_SMALL ?? 10_000)
const RUNS = Math.max(20, Number(process.env.BENCH_QUERY_RUNS ?? 25))
const YEAR_START = Date.UTC(2025, 0, 1)
const DAYS = 365
const BATCH = 2000

const tmp = mkdtempSync(join(tmpdir(), 'hitring-query-bench-'))
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }))
const store = openStore({ path: join(tmp, 'store') })
const site = createSite(store, 'bench.example', 'Europe/Berlin')
const sab = createRing(32 << 20)
const writer = new RingWriter(sab)
const drainer = new SegmentDrainer(store, [new RingReader(sab)])

const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36',
]
const REFERRERS = ['', '', '', 'https://www.google.com/', 'https://news.ycombinator.com/item?id=1', 'https://t.co/abc', 'https://duckduckgo.com/']
const UTMS = ['', '', '', '', '?utm_source=newsletter&utm_medium=email&utm_campaign=spring', '?utm_source=twitter&utm_medium=social&utm_campaign=launch']

let seed = 42
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32)
const zipf = (n: number) => Math.min(n - 1, Math.floor(n * rand() ** 2.5)) // a few hot values, a long tail

interface Ev { ts: number; kind: EventKind; body: Buffer; ip: Uint8Array; ua: string }

/** One day's events: sessions of 1–5 pageviews a minute or so apart, some with a custom event. */
function dayEvents(day: number, count: number): Ev[] {
  const out: Ev[] = []
  while (out.length < count) {
    const v = Math.floor(rand() * 50_000)
    const ip = Uint8Array.of(10, v >> 16, (v >> 8) & 255, v & 255)
    const ua = UAS[v % UAS.length]!
    let ts = YEAR_START + day * 86_400_000 + Math.floor(rand() * 86_000_000)
    const views = 1 + Math.floor(rand() * rand() * 5)
    for (let i = 0; i < views && out.length < count; i++) {
      const url = `https://bench.example/p${zipf(500)}${i === 0 ? UTMS[Math.floor(rand() * UTMS.length)] : ''}`
      const referrer = i === 0 ? REFERRERS[Math.floor(rand() * REFERRERS.length)] : ''
      out.push({ ts, kind: EventKind.Pageview, body: Buffer.from(JSON.stringify({ url, referrer })), ip, ua })
      ts += 20_000 + Math.floor(rand() * 100_000)
      if (rand() < 0.15 && out.length < count) {
        const name = `event_${zipf(20)}`
        const props = { plan: ['free', 'pro', 'team'][Math.floor(rand() * 3)]!, step: Math.floor(rand() * 5) }
        out.push({ ts, kind: EventKind.Custom, body: Buffer.from(JSON.stringify({ name, url, props })), ip, ua })
      }
    }
  }
  return out.sort((a, b) => a.ts - b.ts)
}

async function drainBatch(batch: Ev[]): Promise<void> {
  const from = writer.tail()
  for (const e of batch) {
    const at = writer.reserve(RECORD_TYPE_INGEST_V1, RECORD_HEADER_BYTES + e.ip.length + e.ua.length + e.body.length)
    if (at < 0) throw new Error('ring full')
    encodeIngestRecord(writer.bytes, writer.view, at, { receivedAt: e.ts, siteNum: site.num, kind: e.kind, ip: e.ip, userAgent: e.ua, body: e.body })
  }
  writer.publish()
  const r = await drainer.drain({ lane: 0, from, to: writer.head(), sync: false })
  writer.release(r.to)
  if (r.stored !== batch.length) throw new Error(`stored ${r.stored} of ${batch.length}: ${JSON.stringify(r.dropped)}`)
}

/** Adds `n` events spread evenly over the 365 days of 2025. */
async function ingest(n: number): Promise<void> {
  const started = performance.now()
  let done = 0
  for (let day = 0; day < DAYS; day++) {
    const count = Math.floor(((day + 1) * n) / DAYS) - Math.floor((day * n) / DAYS)
    const events = dayEvents(day, count)
    for (let i = 0; i < events.length; i += BATCH) await drainBatch(events.slice(i, i + BATCH))
    done += count
    if (day % 30 === 29) process.stdout.write(`  ${done.toLocaleString('en-US')} events, ${((performance.now() - started) / 1000).toFixed(0)} s\r`)
  }
  await store.env.flushed
  const s = (performance.now() - started) / 1000
  console.log(`  ingested ${n.toLocaleString('en-US')} events in ${s.toFixed(1)} s (${Math.round(n / s).toLocaleString('en-US')}/s)`)
}

const goals: Goal[] = [
  { id: 'g1', site_id: site.id, name: 'Signup', type: 'event', value: 'event_3', created_at: '' },
  { id: 'g2', site_id: site.id, name: 'Pricing', type: 'path', value: '/p7', created_at: '' },
  { id: 'g3', site_id: site.id, name: 'Deep pages', type: 'path', value: '/p4*', created_at: '' },
]
const QUERIES: Array<[string, StatsQuery]> = [
  ['calendar year 2025', { from: '2025-01-01', to: '2025-12-31' }],
  ['rolling 365 days', { from: '2025-01-16', to: '2026-01-15' }],
]
const NOW = Date.UTC(2026, 0, 15, 12)

function measure(query: StatsQuery) {
  store.env.resetReadTxn() // see every commit, as the HTTP thread does per request
  for (let i = 0; i < 5; i++) siteStats(store, site, goals, query, NOW)
  const ms: number[] = []
  let last
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now()
    last = siteStats(store, site, goals, query, NOW)
    ms.push(performance.now() - t)
  }
  ms.sort((a, b) => a - b)
  return { median: ms[Math.floor(ms.length / 2)]!, p90: ms[Math.floor(ms.length * 0.9)]!, min: ms[0]!, stats: last! }
}

const results = new Map<string, Record<string, ReturnType<typeof measure>>>()
for (const [label, size] of [['small', SMALL], ['big', BIG]] as const) {
  console.log(`${label}: ${size.toLocaleString('en-US')} events in total`)
  await ingest(size - (label === 'big' ? SMALL : 0))
  const row: Record<string, ReturnType<typeof measure>> = {}
  for (const [name, q] of QUERIES) row[name] = measure(q)
  results.set(label, row)
}

console.log(`\nsiteStats latency, one-year ranges, site in Europe/Berlin, ${RUNS} runs each (ms)`)
const table = QUERIES.map(([name]) => {
  const s = results.get('small')![name]!
  const b = results.get('big')![name]!
  return {
    range: name,
    [`${SMALL.toLocaleString('en-US')}: median`]: s.median.toFixed(2),
    [`${BIG.toLocaleString('en-US')}: median`]: b.median.toFixed(2),
    'big p90': b.p90.toFixed(2),
    'big min': b.min.toFixed(2),
    'ratio big/small': (b.median / s.median).toFixed(2),
    'pages shown (visitors)': `${b.stats.top.pages.length} (${b.stats.kpis.visitors.toLocaleString('en-US')})`,
  }
})
console.table(table)
const year = results.get('big')!['calendar year 2025']!
const ratio = year.median / results.get('small')!['calendar year 2025']!.median
console.log(`target: ratio ≤ 1.5 → ${ratio.toFixed(2)} ${ratio <= 1.5 ? 'met' : 'MISSED'}; < 5 ms at the big size → ${year.median.toFixed(2)} ms ${year.median < 5 ? 'met' : 'MISSED'}`)
console.log(`kpis at the big size: ${JSON.stringify(year.stats.kpis)}`)
await store.close()
