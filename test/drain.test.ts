/**
 * The drain, in-process with real Piscina workers and a real LMDB: every record of the rings is stored
 * exactly once, rollups equal a recount, and the result does not depend on the number of workers.
 */
import { afterAll, expect, test } from 'vitest'
import { join } from 'node:path'
import { Piscina } from 'piscina'
import { createRing, RingWriter } from '../src/ring/index.js'
import { encodeIngestRecord, RECORD_HEADER_BYTES, RECORD_TYPE_INGEST_V1 } from '../src/ingest/record.js'
import { EventKind } from '../src/ingest/payload.js'
import { DrainScheduler } from '../src/drain/scheduler.js'
import type { DrainResult } from '../src/drain/protocol.js'
import { openStore } from '../src/store/open.js'
import { createSite } from '../src/store/sites.js'
import { countEvents } from '../src/store/events.js'
import { recount } from '../src/store/recount.js'
import { Metric } from '../src/store/rollups.js'
import { StringKind, stringOf } from '../src/store/strings.js'
import { ROOT, tempDataDir } from './helpers/server.js'

const dirs: Array<ReturnType<typeof tempDataDir>> = []
afterAll(() => dirs.forEach((d) => d.remove()))

const EVENTS = 20_000

async function ingestWith(workers: number) {
  const dir = tempDataDir()
  dirs.push(dir)
  const store = openStore({ path: dir.path })
  const sites = [createSite(store, 'a.example', 'Europe/Berlin'), createSite(store, 'b.example', 'Asia/Kolkata')]
  const buffers = Array.from({ length: 4 }, () => createRing(1 << 20))
  const rings = buffers.map((b) => new RingWriter(b))
  const pool = new Piscina({
    filename: join(ROOT, 'dist/workers/drain.js'),
    minThreads: workers,
    maxThreads: workers,
    concurrentTasksPerWorker: 2,
    atomics: 'disabled',
    workerData: { rings: buffers, dataPath: dir.path },
  })
  const results: DrainResult[] = []
  const scheduler = new DrainScheduler(pool, rings, workers * 2, {
    onDrained: (r) => results.push(r),
    onFailure: (_lane, err) => {
      throw err
    },
  })
  const start = Date.parse('2026-03-28T20:00:00Z') // spans the Berlin DST switch and Kolkata midnight
  for (let i = 0; i < EVENTS; i++) {
    const site = sites[i % 2]!
    const kind = i % 3 === 0 ? EventKind.Pageview : EventKind.Custom
    const body = Buffer.from(
      JSON.stringify({ name: `ev${i % 5}`, url: `https://${site.domain}/p${i % 11}?utm_source=s${i % 3}`, referrer: i % 4 ? '' : 'https://ref.example/', props: { n: i % 9 } }),
    )
    const ip = new Uint8Array([10, 0, (i >> 8) & 255, i & 255])
    const ua = 'Mozilla/5.0 (test)'
    const ring = rings[i % 4]!
    let at = ring.reserve(RECORD_TYPE_INGEST_V1, RECORD_HEADER_BYTES + ip.length + ua.length + body.length)
    while (at < 0) {
      scheduler.kick()
      await new Promise((r) => setTimeout(r, 1))
      at = ring.reserve(RECORD_TYPE_INGEST_V1, RECORD_HEADER_BYTES + ip.length + ua.length + body.length)
    }
    encodeIngestRecord(ring.bytes, ring.view, at, { receivedAt: start + i * 1000, siteNum: site.num, kind, ip, userAgent: ua, body })
    ring.publish()
    scheduler.kick()
  }
  expect(await scheduler.drainAll(20_000)).toBe(true)
  scheduler.stop()
  await pool.close()
  store.env.resetReadTxn()
  const rollups = new Map<string, number>()
  // Interned ids depend on which worker met a string first; compare what the keys mean, not the ids.
  for (const { key, value } of store.rollups.getRange({})) {
    const [site, metric, gran, bucket, dim] = key as number[]
    const kind = metric === Metric.PAGEVIEWS ? StringKind.PATH : StringKind.EVENT_NAME
    rollups.set(JSON.stringify([site, metric, gran, bucket, dim === 0 ? '(all)' : stringOf(store, kind, dim!)]), value as number)
  }
  const report = recount(store)
  const stored = countEvents(store)
  const stats = store.env.getStats() as { pageSize: number; treeBranchPageCount?: number }
  await store.close()
  return { results, rollups, report, stored, stats }
}

test('20,000 events over 4 lanes are stored exactly once, rollups equal a recount, identically with 1 and 4 workers', async () => {
  const one = await ingestWith(1)
  const four = await ingestWith(4)
  for (const run of [one, four]) {
    expect(run.stored).toBe(EVENTS)
    expect(run.results.reduce((n, r) => n + r.stored, 0)).toBe(EVENTS)
    expect(run.results.every((r) => Object.keys(r.dropped).length === 0)).toBe(true)
    expect(run.report.mismatches).toEqual([])
    expect(run.report.events).toBe(EVENTS)
  }
  // Batches grew under load: far fewer transactions than events.
  expect(four.results.length).toBeLessThan(EVENTS / 5)
  expect(four.rollups).toEqual(one.rollups)
})
