/**
 * Batch commit: the time to drain one ring segment of N encoded ingest records through `SegmentDrainer`
 * (src/drain/segment.ts: decode the record's fields, URL split, interning, rollup deltas,
 * one LMDB transaction) into a temp LMDB, next to raw LMDB writes of N msgpack records (`db.put` inside one
 * `transaction`) — in-process, real lmdb, N = 1, 100, 1000, 5000. Segments are built untimed (beforeEach)
 * with RingWriter + encodeIngestRecord, as the HTTP thread builds them.
 *
 *   node esbuild.config.mjs && node dist/bench/commit.bench.js
 *   BENCH_VISITORS=20000 BENCH_SIZES=400,1000 node dist/bench/commit.bench.js   # many visitors, chosen sizes
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { open } from 'lmdb'
import { Bench } from 'tinybench'
import { createRing, RingReader, RingWriter } from '../src/ring/index.js'
import { encodeIngestRecord, RECORD_TYPE_INGEST_V2 } from '../src/event/record.js'
import { EventKind, validPayload } from '../src/ingest/payload.js'
import { openStore } from '../src/store/open.js'
import { createSite } from '../src/store/sites.js'
import { SegmentDrainer } from '../src/drain/segment.js'

const SIZES = (process.env.BENCH_SIZES ?? '1,100,1000,5000').split(',').map(Number)
const tmp = mkdtempSync(join(tmpdir(), 'hitring-commit-bench-'))
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }))

const store = openStore({ path: join(tmp, 'drain') }) // no dot in the name: lmdb-js would take it for a file
const site = createSite(store, 'example.com')
const payload = {
  site_id: site.id,
  name: 'purchase',
  url: 'https://example.com/checkout/success',
  referrer: '',
  props: { plan: 'pro', amount: '49' },
}
const validated = validPayload(EventKind.Custom, payload)
const userAgent =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'
// BENCH_VISITORS distinct client addresses, taken in turn (the e2e bench uses 20,000): one visitor keeps
// every session write on one B-tree page; many visitors spread them, as production traffic does.
const VISITORS = Math.max(1, Number(process.env.BENCH_VISITORS ?? 1))
let nextVisitor = 0
const ipOf = (v: number) => Uint8Array.of(10, (v >>> 16) & 255, (v >>> 8) & 255, v & 255)

const sab = createRing(8 << 20)
const writer = new RingWriter(sab)
const drainer = new SegmentDrainer(store, [new RingReader(sab)])

const rawEnv = open({ path: join(tmp, 'raw'), maxDbs: 4 })
const rawDb = rawEnv.openDB<unknown, number>('raw', { keyEncoding: 'uint32' })
let rawKey = 0

function encodeSegment(n: number): { from: number; to: number } {
  const from = writer.tail()
  for (let i = 0; i < n; i++) {
    const ip = ipOf(nextVisitor++ % VISITORS)
    const record = encodeIngestRecord({
      receivedAt: Date.now(),
      siteNum: site.num,
      kind: EventKind.Custom,
      ip,
      userAgent,
      payload: validated,
    })
    const at = writer.reserve(RECORD_TYPE_INGEST_V2, record.length)
    if (at < 0) throw new Error('ring full: a segment was not released')
    writer.bytes.set(record, at)
  }
  writer.publish()
  return { from, to: writer.head() }
}

const commitMs = new Map<number, number[]>()
const bench = new Bench({ name: 'batch commit into LMDB', time: 1500, warmupTime: 300, iterations: 20 })
for (const n of SIZES) {
  let segment = { from: 0, to: 0 }
  const commits: number[] = []
  commitMs.set(n, commits)
  bench.add(
    `SegmentDrainer.drain, ${n} records`,
    async () => {
      const r = await drainer.drain({ segments: [{ lane: 0, ...segment }], sync: false })
      if (r.stored !== n) throw new Error(`drained ${r.stored} of ${n}: ${JSON.stringify(r.dropped)}`)
      commits.push(r.commitMs)
    },
    { beforeEach: () => void (segment = encodeSegment(n)), afterEach: () => writer.release(segment.to) },
  )
  bench.add(`raw lmdb: ${n} × db.put(msgpack) in one transaction`, async () => {
    await rawEnv.transaction(() => {
      for (let i = 0; i < n; i++) rawDb.put(rawKey++, { ts: Date.now(), site: site.num, ...payload })
    })
  })
}
await bench.run()
console.log(`${bench.name}: ${VISITORS.toLocaleString('en-US')} visitor(s)`)
console.table(bench.table())

// Medians: other processes on a 2-core machine show up as outliers in the means.
const median = (name: string) => {
  const r = bench.getTask(name)?.result
  return r?.state === 'completed' ? r.latency.p50 : NaN
}
const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN
const rows = SIZES.map((n) => {
  const drainMs = median(`SegmentDrainer.drain, ${n} records`)
  const rawMs = median(`raw lmdb: ${n} × db.put(msgpack) in one transaction`)
  const txnMs = medianOf(commitMs.get(n)!)
  return {
    N: n,
    'drain ms': drainMs.toFixed(3),
    'of which transaction ms': txnMs.toFixed(3),
    'drain events/s': Math.round((n / drainMs) * 1000).toLocaleString('en-US'),
    'raw ms': rawMs.toFixed(3),
    'raw events/s': Math.round((n / rawMs) * 1000).toLocaleString('en-US'),
    'drain/raw events/s': (rawMs / drainMs).toFixed(2),
  }
})
console.table(rows)
console.log(
  'Median times. "of which transaction ms" is DrainResult.commitMs (start of transaction() to its commit), median ' +
    'over every call incl. warm-up.',
)
await store.close()
await rawEnv.close()
