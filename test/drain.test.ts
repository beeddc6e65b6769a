/**
 * The drain, in-process with real Piscina workers and a real LMDB: every record of the rings is stored
 * exactly once, rollups equal a recount, and the result does not depend on the number of workers.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Piscina } from 'piscina'
import { afterAll, expect, test } from 'vitest'
import { createRing } from '../src/ring/index.js'
import { createSessionTable } from '../src/sessions/table.js'
import { EventKind } from '../src/ingest/payload.js'
import { openStore } from '../src/store/open.js'
import { createSite } from '../src/store/sites.js'
import { countEvents } from '../src/store/events.js'
import { recount } from '../src/derive/recount.js'
import { DIM_KIND, Metric } from '../src/store/metrics.js'
import { parsePropDim, StringKind, stringOf } from '../src/store/strings.js'
import { ROOT, tempDataDir } from './helpers/server.js'
import { drainEvents, openFresh, type TestEvent } from './helpers/drain.js'

const dirs: Array<ReturnType<typeof tempDataDir>> = []
afterAll(() => {
  for (const d of dirs) d.remove()
})

const EVENTS = 20_000

async function ingestWith(workers: number) {
  const dir = tempDataDir()
  dirs.push(dir)
  const setup = openStore({ path: dir.path })
  const sites = [createSite(setup, 'a.example', 'Europe/Berlin'), createSite(setup, 'b.example', 'Asia/Kolkata')]
  await setup.close()
  const start = Date.parse('2026-03-28T20:00:00Z') // spans the Berlin DST switch and Kolkata midnight
  const events: TestEvent[] = Array.from({ length: EVENTS }, (_, i) => {
    const site = sites[i % 2]!
    return {
      ts: start + i * 1000,
      siteNum: site.num,
      kind: i % 3 === 0 ? EventKind.Pageview : EventKind.Custom,
      body: {
        name: `ev${i % 5}`,
        url: `https://${site.domain}/p${i % 11}?utm_source=s${i % 3}`,
        referrer: i % 4 ? '' : 'https://ref.example/',
        props: { n: i % 9 },
      },
      ip: new Uint8Array([10, 0, (i >> 4) & 255, i & 15]),
      userAgent: 'Mozilla/5.0 (test)',
    }
  })
  const results = await drainEvents(dir.path, events, workers)
  const store = openFresh(dir.path)
  const rollups = new Map<string, number>()
  // Interned ids depend on which worker met a string first; compare what the keys mean, not the ids.
  for (const { key, value } of store.rollups.getRange({})) {
    const [site, metric, gran, bucket, dim] = key as number[]
    let text = dim === 0 ? '(all)' : stringOf(store, DIM_KIND[metric!]!, dim!)!
    if (metric === Metric.PROPS) {
      const p = parsePropDim(text)
      text = `${stringOf(store, StringKind.EVENT_NAME, p.nameId)}.${p.key}=${p.value}`
    }
    rollups.set(JSON.stringify([site, metric, gran, bucket, text]), value as number)
  }
  const uniques = new Map<string, string>()
  for (const { key, value } of store.uniques.getRange({}))
    uniques.set(JSON.stringify(key), Buffer.from(value as Uint8Array).toString('base64'))
  const report = recount(store)
  const stored = countEvents(store)
  await store.close()
  return { results, rollups, uniques, report, stored }
}

test('20,000 events over 4 lanes are stored exactly once, rollups = a recount, alike with 1 or 4 workers', async () => {
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
  // Unique-visitor sketches are built from salted hashes: each run has its own salt, so compare sizes.
  expect([...four.uniques.keys()]).toEqual([...one.uniques.keys()])
})

test('a drain worker never creates the store: directory gone, a task answers STORE_GONE, nothing made', async () => {
  const dir = tempDataDir()
  dirs.push(dir)
  const missing = join(dir.path, 'gone', 'data')
  const rings = [createRing(1 << 16)]
  const pool = new Piscina({
    filename: join(ROOT, 'dist/workers/drain.js'),
    minThreads: 1,
    maxThreads: 1,
    atomics: 'disabled',
    workerData: {
      rings,
      sessionTables: [createSessionTable(1 << 4)],
      dataPath: missing,
      identity: { dev: '1', ino: '1' },
    },
  })
  try {
    // A fault is an answer (the segment stays in its ring), not a crash of the task or the worker.
    const outcome = await pool.run({ segments: [{ lane: 0, from: 0, to: 0 }], sync: false })
    expect(outcome).toEqual({ failed: { code: 'STORE_GONE', message: expect.stringMatching(/gone/), sticky: true } })
    const admin = await pool.run({ op: 'probeWrite', args: { now: 1 } }, { name: 'admin' })
    expect(admin).toMatchObject({
      ok: false,
      error: { status: 503, body: { code: 'storage_unavailable' } },
      fault: { code: 'STORE_GONE' },
    })
    expect(existsSync(join(dir.path, 'gone'))).toBe(false)
  } finally {
    await pool.destroy()
  }
})
