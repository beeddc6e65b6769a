/**
 * Constant-time reads: the latency of `siteStats` for a one-year range after 10 thousand and after
 * BENCH_QUERY_EVENTS (default 10 million) events in one site, and the ratio. Events go through the
 * real write path in-process (RingWriter + encodeIngestRecord → SegmentDrainer → one LMDB transaction
 * per batch, as the workers do), spread over 2025: sessions of 1–5 pageviews over ~500 paths (Zipf-like),
 * a 50,000-visitor pool a day, 5 user agents, UTM tags and referrers, ~20 custom event names with props.
 *
 *   node esbuild.config.mjs && BENCH_QUERY_EVENTS=1000000 node dist/bench/query.bench.js
 *
 * Env: BENCH_QUERY_EVENTS (big size), BENCH_QUERY_SMALL (10000), BENCH_QUERY_MID (1000000: a checkpoint
 * between, skipped when not between), BENCH_QUERY_RUNS (25, at least 20).
 * Reported at each size: the median and p90 of siteStats for the calendar year (12 month buckets) with
 * 2 goals, the same with a wildcard goal over 111 paths, and a rolling 365 days (11 months + 30 days);
 * then the calendar year by part, with the breakdown rows read — the cost grows with distinct values
 * shown per bucket (10 thousand events leave most of the 500 paths unseen in a month), not with events.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRing, RingReader, RingWriter } from '../src/ring/index.js'
import { encodeIngestRecord, RECORD_TYPE_INGEST_V2 } from '../src/event/record.js'
import { EventKind, validPayload, type IngestPayload } from '../src/ingest/payload.js'
import { openStore } from '../src/store/open.js'
import { createSite } from '../src/store/sites.js'
import { SegmentDrainer } from '../src/drain/segment.js'
import { packClosedBuckets } from '../src/store/packed.js'
import type { Goal } from '../src/goals/goal.js'
import { siteStats, type StatsQuery } from '../src/query/index.js'
import { Granularity } from '../src/store/buckets.js'
import { Metric } from '../src/store/metrics.js'
import { StringKind } from '../src/store/strings.js'
import { coverOf } from '../src/query/cover.js'
import { resolveWindow } from '../src/query/params.js'
import { plannedPoints } from '../src/query/points.js'
import { apiKpis } from '../src/query/kpis.js'
import { breakdown, dimVisitors, topOf, visitors } from '../src/query/read.js'
import { eventRows } from '../src/query/events.js'
import { goalStats } from '../src/query/goals.js'

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
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 ' +
    'Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile ' +
    'Safari/537.36',
]
const REFERRERS = [
  '',
  '',
  '',
  'https://www.google.com/',
  'https://news.ycombinator.com/item?id=1',
  'https://t.co/abc',
  'https://duckduckgo.com/',
]
const UTMS = [
  '',
  '',
  '',
  '',
  '?utm_source=newsletter&utm_medium=email&utm_campaign=spring',
  '?utm_source=twitter&utm_medium=social&utm_campaign=launch',
]

let seed = 42
const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32
const zipf = (n: number) => Math.min(n - 1, Math.floor(n * rand() ** 2.5)) // a few hot values, a long tail

interface Ev {
  ts: number
  kind: EventKind
  payload: IngestPayload
  ip: Uint8Array
  ua: string
}

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
      out.push({ ts, kind: EventKind.Pageview, payload: validPayload(EventKind.Pageview, { url, referrer }), ip, ua })
      ts += 20_000 + Math.floor(rand() * 100_000)
      if (rand() < 0.15 && out.length < count) {
        const name = `event_${zipf(20)}`
        const props = { plan: ['free', 'pro', 'team'][Math.floor(rand() * 3)]!, step: Math.floor(rand() * 5) }
        out.push({ ts, kind: EventKind.Custom, payload: validPayload(EventKind.Custom, { name, url, props }), ip, ua })
      }
    }
  }
  return out.sort((a, b) => a.ts - b.ts)
}

async function drainBatch(batch: Ev[]): Promise<void> {
  const from = writer.tail()
  for (const e of batch) {
    const record = encodeIngestRecord({
      receivedAt: e.ts,
      siteNum: site.num,
      kind: e.kind,
      ip: e.ip,
      userAgent: e.ua,
      payload: e.payload,
    })
    const at = writer.reserve(RECORD_TYPE_INGEST_V2, record.length)
    if (at < 0) throw new Error('ring full')
    writer.bytes.set(record, at)
  }
  writer.publish()
  const r = await drainer.drain({ segments: [{ lane: 0, from, to: writer.head() }], sync: false })
  writer.release(r.segments[0]!.to)
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
    if (day % 73 === 72)
      console.log(`  ${done.toLocaleString('en-US')} events, ${((performance.now() - started) / 1000).toFixed(0)} s`)
  }
  await store.env.flushed
  const s = (performance.now() - started) / 1000
  console.log(
    `  ingested ${n.toLocaleString('en-US')} events in ${s.toFixed(1)} s ` +
      `(${Math.round(n / s).toLocaleString('en-US')}/s)`,
  )
  // What the server's packer (src/admin/packer.ts) does in the background once days and months end.
  const t = performance.now()
  let packed = 0
  for (let more = true; more; ) {
    const step = store.env.transactionSync(() => packClosedBuckets(store, NOW))
    packed += step.packed
    more = step.more
  }
  await store.env.flushed
  console.log(
    `  packed ${packed.toLocaleString('en-US')} closed day and month breakdowns in ` +
      `${((performance.now() - t) / 1000).toFixed(1)} s`,
  )
}

const twoGoals: Goal[] = [
  { id: 'g1', site_id: site.id, name: 'Signup', type: 'event', value: 'event_3', created_at: '' },
  { id: 'g2', site_id: site.id, name: 'Pricing', type: 'path', value: '/p7', created_at: '' },
]
// 111 of 500 paths
const wildcard: Goal = { id: 'g3', site_id: site.id, name: 'Deep pages', type: 'path', value: '/p4*', created_at: '' }
const YEAR: StatsQuery = { from: '2025-01-01', to: '2025-12-31' }
const SCENARIOS: Array<[string, StatsQuery, Goal[]]> = [
  ['calendar year, 2 goals', YEAR, twoGoals],
  ['calendar year, + wildcard goal (111 paths)', YEAR, [...twoGoals, wildcard]],
  ['rolling 365 days, 2 goals', { from: '2025-01-16', to: '2026-01-15' }, twoGoals],
]
const NOW = Date.UTC(2026, 0, 15, 12)

function timed(f: () => unknown): { median: number; p90: number } {
  for (let i = 0; i < 5; i++) f()
  const ms: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now()
    f()
    ms.push(performance.now() - t)
  }
  ms.sort((a, b) => a - b)
  return { median: ms[Math.floor(ms.length / 2)]!, p90: ms[Math.floor(ms.length * 0.9)]! }
}

/** Where the time of the calendar-year answer goes, and how many stored rows and sketches it reads. */
function parts() {
  const w = resolveWindow(YEAR, site, NOW)
  const cover = coverOf(site.timezone, w.start, w.end)
  const lists = [
    Metric.PAGEVIEWS,
    Metric.EVENTS,
    Metric.ENTRY_PAGES,
    Metric.EXIT_PAGES,
    Metric.SOURCES,
    Metric.UTM_SOURCE,
    Metric.UTM_MEDIUM,
    Metric.UTM_CAMPAIGN,
    Metric.BROWSERS,
    Metric.OS,
    Metric.DEVICES,
  ]
  let rows = 0
  for (const metric of lists)
    for (const m of cover.months)
      rows += store.rollups.getCount({
        start: [site.num, metric, Granularity.MONTH, m, 1],
        end: [site.num, metric, Granularity.MONTH, m + 1],
      })
  const pages = breakdown(store, site.num, Metric.PAGEVIEWS, cover)
  const top = topOf(store, StringKind.PATH, pages, 10)
  return {
    rows,
    'kpis + chart': timed(() => [
      apiKpis(store, site.num, cover),
      plannedPoints(w, 'month', site.timezone).map((p) => visitors(store, site.num, p.cover)),
    ]).median,
    'breakdown scans': timed(() => lists.map((metric) => breakdown(store, site.num, metric, cover))).median,
    'page visitors (10)': timed(() => top.map((r) => dimVisitors(store, site.num, Metric.PAGEVIEWS, [r.dim], cover)))
      .median,
    'event rows (visitors)': timed(() => eventRows(store, site.num, cover, 10)).median,
    'wildcard goal': timed(() => goalStats(store, site.num, [wildcard], cover, 1, () => pages)).median,
  }
}

const MID = Number(process.env.BENCH_QUERY_MID ?? 1_000_000)
const sizes = [SMALL, ...(MID > SMALL && MID < BIG ? [MID] : []), BIG]
const results: Array<{ size: number; scenarios: number[]; p90: number[]; parts: ReturnType<typeof parts> }> = []
let have = 0
for (const size of sizes) {
  console.log(`${size.toLocaleString('en-US')} events in total`)
  await ingest(size - have)
  have = size
  store.env.resetReadTxn() // see every commit, as the HTTP thread does per request
  const runs = SCENARIOS.map(([, q, goals]) => timed(() => siteStats(store, site, goals, q, NOW)))
  results.push({ size, scenarios: runs.map((r) => r.median), p90: runs.map((r) => r.p90), parts: parts() })
}

const fmt = (n: number) => n.toLocaleString('en-US')
console.log(`\nsiteStats, one-year ranges, site in Europe/Berlin: median of ${RUNS} runs after 5 warm-up runs (ms)`)
console.table(
  SCENARIOS.map(([name], i) => ({
    scenario: name,
    ...Object.fromEntries(
      results.map((r) => [`${fmt(r.size)} events`, `${r.scenarios[i]!.toFixed(2)} (p90 ${r.p90[i]!.toFixed(2)})`]),
    ),
    [`ratio ${fmt(BIG)}/${fmt(SMALL)}`]: (results.at(-1)!.scenarios[i]! / results[0]!.scenarios[i]!).toFixed(2),
    ...(results.length > 2
      ? { [`ratio ${fmt(BIG)}/${fmt(MID)}`]: (results.at(-1)!.scenarios[i]! / results[1]!.scenarios[i]!).toFixed(2) }
      : {}),
  })),
)
console.log('calendar year, by part (ms; "rows" = breakdown rows of the 11 lists read from LMDB)')
console.table(
  results.map((r) => ({
    events: fmt(r.size),
    ...Object.fromEntries(Object.entries(r.parts).map(([k, v]) => [k, k === 'rows' ? fmt(v) : v.toFixed(2)])),
  })),
)
const [first, last] = [results[0]!.scenarios[0]!, results.at(-1)!.scenarios[0]!]
console.log(
  `targets (calendar year, 2 goals): ratio ≤ 1.5 → ${(last / first).toFixed(2)} ` +
    `${last / first <= 1.5 ? 'met' : 'MISSED'}; < 5 ms at ${fmt(BIG)} → ${last.toFixed(2)} ms ` +
    `${last < 5 ? 'met' : 'MISSED'}`,
)
await store.close()
