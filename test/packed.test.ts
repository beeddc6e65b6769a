/**
 * Packed breakdowns of ended days and months (src/store/packed.ts): packing changes how breakdowns are
 * read, never what they say. Real Piscina drain workers and LMDB in a temp dir; packing and the checks
 * run in this process on the same store; the last test runs the server's own packer over real HTTP.
 */
import { spawnSync } from 'node:child_process'
import { afterAll, expect, test } from 'vitest'
import { EventKind } from '../src/ingest/payload.js'
import { openStore, type Store } from '../src/store/open.js'
import { createSite, getSite } from '../src/store/sites.js'
import { recount } from '../src/derive/recount.js'
import { rebuildSiteRollups } from '../src/derive/rebuild.js'
import { Granularity } from '../src/store/buckets.js'
import { Metric } from '../src/store/metrics.js'
import {
  encodePacked,
  lastClosedBucket,
  packClosedBuckets,
  packedThrough,
  readPacked,
  rowsOfBucket,
} from '../src/store/packed.js'
import { deleteSiteInTransaction } from '../src/admin/site-data.js'
import { lookupStringId, StringKind } from '../src/store/strings.js'
import { coverOf, type Cover } from '../src/query/cover.js'
import { breakdown } from '../src/query/read.js'
import { siteStats } from '../src/query/stats.js'
import { CLI, tempDataDir, waitFor } from './helpers/server.js'
import { drainEvents, openFresh, type TestEvent } from './helpers/drain.js'
import {
  call,
  createApiClient,
  createSite as createSiteOverHttp,
  GENEROUS,
  initialUser,
  startApiServer,
} from './helpers/api.js'
import { withStore } from './helpers/store.js'

const dirs: Array<{ remove(): void }> = []
afterAll(() => {
  for (const d of dirs) d.remove()
})
const fresh = () => {
  const d = tempDataDir()
  dirs.push(d)
  return d.path
}

const TZ = 'Europe/Berlin'
const LISTS = [
  Metric.PAGEVIEWS,
  Metric.EVENTS,
  Metric.ENTRY_PAGES,
  Metric.EXIT_PAGES,
  Metric.SOURCES,
  Metric.BROWSERS,
  Metric.DEVICES,
  Metric.PROPS,
]
const UAS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 ' +
    'Mobile/15E148 Safari/604.1',
]

/** Sessions of 1–3 pageviews (and a custom event) on `days` days from `start`, on ~12 paths. */
function traffic(siteNum: number, start: number, days: number, perDay: number, salt = 0): TestEvent[] {
  const out: TestEvent[] = []
  for (let d = 0; d < days; d++) {
    for (let v = 0; v < perDay; v++) {
      const ip = new Uint8Array([10, salt, d, v])
      const userAgent = UAS[v % 2]!
      let ts = start + d * 86_400_000 + v * 600_000 + salt * 60_000
      for (let i = 0; i <= v % 3; i++) {
        const url = `https://packed.example/p${(v * 7 + i * 3 + d) % 12}`
        out.push({
          ts,
          siteNum,
          kind: EventKind.Pageview,
          body: { url, referrer: i === 0 && v % 4 === 0 ? 'https://news.ycombinator.com/' : '' },
          ip,
          userAgent,
        })
        ts += 60_000
      }
      if (v % 5 === 0)
        out.push({
          ts,
          siteNum,
          kind: EventKind.Custom,
          body: { name: `e${v % 3}`, url: 'https://packed.example/p0', props: { plan: v % 2 ? 'pro' : 'free' } },
          ip,
          userAgent,
        })
    }
  }
  return out.sort((a, b) => a.ts - b.ts)
}

/** Every list over the whole range and over each day and month of it, as plain objects. */
function snapshot(store: Store, siteNum: number, covers: Cover[]): unknown {
  return covers.map((cover) =>
    LISTS.map((m) => Object.fromEntries([...breakdown(store, siteNum, m, cover)].sort((a, b) => a[0] - b[0]))),
  )
}

function packAll(store: Store, now: number, budget: number): number {
  let steps = 0
  for (let more = true; more; steps++)
    more = store.env.transactionSync(() => packClosedBuckets(store, now, budget)).more
  return steps
}

const countPacked = (store: Store, num: number) => store.packed.getCount({ start: [num], end: [num + 1] })

/** A fresh store with one Berlin site and `traffic` drained into it by real workers. */
async function drainedSite(startIso: string, days: number, perDay: number, workers: number) {
  const path = fresh()
  const setup = openStore({ path })
  const site = createSite(setup, 'packed.example', TZ)
  await setup.close()
  const start = Date.parse(startIso)
  await drainEvents(path, traffic(site.num, start, days, perDay), workers)
  return { path, site, start }
}

test('packing leaves every breakdown and the recount unchanged, in steps of a small row budget', async () => {
  const { path, site } = await drainedSite('2026-01-29T20:00:00Z', 6, 20, 2) // across a month end in Berlin

  const store = openFresh(path)
  try {
    const whole = coverOf(TZ, Date.parse('2026-01-01T00:00:00+01:00'), Date.parse('2026-03-01T00:00:00+01:00'))
    expect(whole.months.length).toBe(2)
    const midnight = Date.parse('2026-01-29T00:00:00+01:00') // no DST change in these days
    const days = Array.from({ length: 7 }, (_, i) =>
      coverOf(TZ, midnight + i * 86_400_000, midnight + (i + 1) * 86_400_000),
    )
    const covers = [whole, ...days]
    const before = snapshot(store, site.num, covers)
    expect(JSON.stringify(before)).toContain(String(lookupStringId(store, StringKind.PATH, '/p3')))

    // While February 1 is still open (in some zone), only January's days up to the watermark are packed.
    const early = Date.parse('2026-02-01T12:00:00Z')
    packAll(store, early, 1_000_000)
    const mark = packedThrough(store, site.num, Granularity.DAY)
    expect(mark).toBe(lastClosedBucket(Granularity.DAY, early))
    expect(
      store.packed.getCount({
        start: [site.num, Metric.PAGEVIEWS, Granularity.DAY, mark + 1],
        end: [site.num, Metric.PAGEVIEWS, Granularity.MONTH],
      }),
    ).toBe(0)
    expect(readPacked(store, [site.num, Metric.PAGEVIEWS, Granularity.DAY, mark])).toBeDefined()
    // December: no rows
    expect(packedThrough(store, site.num, Granularity.MONTH)).toBe(lastClosedBucket(Granularity.MONTH, early))
    expect(snapshot(store, site.num, covers)).toEqual(before)

    const now = Date.parse('2026-04-01T00:00:00Z')
    const steps = packAll(store, now, 50) // a few buckets per transaction
    expect(steps).toBeGreaterThan(2)
    expect(packedThrough(store, site.num, Granularity.DAY)).toBe(lastClosedBucket(Granularity.DAY, now))
    expect(packedThrough(store, site.num, Granularity.MONTH)).toBe(lastClosedBucket(Granularity.MONTH, now))
    expect(countPacked(store, site.num)).toBeGreaterThan(40)

    expect(snapshot(store, site.num, covers)).toEqual(before)
    expect(recount(store).mismatches).toEqual([])
    // Packing again finds nothing new.
    expect(store.env.transactionSync(() => packClosedBuckets(store, now))).toEqual({ packed: 0, rows: 0, more: false })
  } finally {
    await store.close()
  }
})

test('reads take packed values where they exist (and the recount notices one that differs from its rows)', async () => {
  const { path, site } = await drainedSite('2026-02-10T09:00:00Z', 1, 10, 1)
  const store = openFresh(path)
  try {
    packAll(store, Date.parse('2026-03-15T00:00:00Z'), 1_000)
    const month = Math.floor(2026 * 12 + 1)
    const key: [number, number, number, number] = [site.num, Metric.PAGEVIEWS, Granularity.MONTH, month]
    const rows = rowsOfBucket(store, site.num, Metric.PAGEVIEWS, Granularity.MONTH, month)
    expect(rows.dims.length).toBeGreaterThan(3)
    expect(readPacked(store, key)).toBeDefined()
    const cover = coverOf(TZ, Date.parse('2026-02-01T00:00:00+01:00'), Date.parse('2026-03-01T00:00:00+01:00'))
    expect(cover.months).toEqual([month])
    expect([...breakdown(store, site.num, Metric.PAGEVIEWS, cover)].sort((a, b) => a[0] - b[0])).toEqual(
      rows.dims.map((d, i) => [d, rows.counts[i]]),
    )

    store.env.transactionSync(() => store.packed.put(key, encodePacked([rows.dims[0]!], [1234])))
    expect([...breakdown(store, site.num, Metric.PAGEVIEWS, cover)]).toEqual([[rows.dims[0], 1234]])
    expect(recount(store).mismatches).toEqual([{ key, stored: 1, recounted: rows.dims.length }])
  } finally {
    await store.close()
  }
})

test('late events patch packed days; a zone change clears and re-packs; deleting the site removes them', async () => {
  const { path, site, start } = await drainedSite('2026-03-02T08:00:00Z', 3, 15, 2)
  const now = Date.parse('2026-03-20T00:00:00Z')
  let store = openFresh(path)
  const cover = coverOf(TZ, Date.parse('2026-03-01T00:00:00+01:00'), Date.parse('2026-03-08T00:00:00+01:00'))
  let p3Before = 0
  try {
    packAll(store, now, 1_000)
    expect(countPacked(store, site.num)).toBeGreaterThan(10)
    p3Before =
      breakdown(store, site.num, Metric.PAGEVIEWS, cover).get(lookupStringId(store, StringKind.PATH, '/p3')!) ?? 0
  } finally {
    await store.close()
  }

  // Late events (as a back-filling server sends them) into the packed days: new visitors, and sessions
  // that continue, which moves exit pages (a count goes down to zero and leaves the packed value).
  const late = traffic(site.num, start, 3, 15, 1)
  const p3Added = late.filter(
    (e) => e.kind === EventKind.Pageview && (e.body as { url: string }).url.endsWith('/p3'),
  ).length
  expect(p3Added).toBeGreaterThan(0)
  await drainEvents(path, late, 2)
  store = openFresh(path)
  try {
    expect(recount(store).mismatches).toEqual([])
    expect(
      breakdown(store, site.num, Metric.PAGEVIEWS, cover).get(lookupStringId(store, StringKind.PATH, '/p3')!),
    ).toBe(p3Before + p3Added)
    const stats = siteStats(
      store,
      getSite(store, site.id)!,
      [],
      { from: '2026-03-01', to: '2026-03-07', limit: '100' },
      now,
    )
    expect(stats.top.pages.reduce((n, p) => n + p.value, 0)).toBe(stats.kpis.pageviews)

    // A new zone: the local buckets are rebuilt and their packed copies forgotten until packed again.
    store.env.transactionSync(() => {
      store.sites.put(site.id, { ...getSite(store, site.id)!, timezone: 'Asia/Kolkata' })
      rebuildSiteRollups(store, site.num)
    })
    expect(countPacked(store, site.num)).toBe(0)
    expect(packedThrough(store, site.num, Granularity.DAY)).toBe(-1)
    expect(recount(store).mismatches).toEqual([])
    packAll(store, now, 1_000)
    expect(countPacked(store, site.num)).toBeGreaterThan(10)
    expect(recount(store).mismatches).toEqual([])

    store.env.transactionSync(() => deleteSiteInTransaction(store, getSite(store, site.id)!))
    expect(countPacked(store, site.num)).toBe(0)
    expect(store.meta.get(`packed:${site.num}:${Granularity.DAY}`)).toBeUndefined()
  } finally {
    await store.close()
  }
})

test('the server packs ended days itself; a back-filled server event lands in a packed day, reads right', async () => {
  const api = await startApiServer(GENEROUS)
  let verify: ReturnType<typeof spawnSync> | undefined
  try {
    const cookie = await initialUser(api.url)
    const site = await createSiteOverHttp(api.url, cookie, 'packed.example')
    const { token } = await createApiClient(api.url, cookie, [{ site_id: site.id, role: 'editor' }])
    const num = withStore(api.dataPath, (s) => getSite(s, site.id)!.num)
    // The packer runs shortly after start and every 10 minutes; with no events yet it only moves the watermark.
    await waitFor(
      () => withStore(api.dataPath, (s) => packedThrough(s, num, Granularity.DAY)) >= 0,
      10_000,
      'the first packing pass',
    )
    const day = new Date(Date.now() - 4 * 86_400_000)
    const at = (h: number) =>
      new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), h)).toISOString()
    for (const [h, path] of [
      [9, '/a'],
      [10, '/a'],
      [11, '/b'],
    ] as const) {
      const r = await call(
        api.url,
        'POST',
        '/api/ingest/server/pageview',
        { token },
        {
          url: `https://packed.example${path}`,
          timestamp: at(h),
          visitor_ip: `198.51.100.${h}`,
          user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
        },
      )
      expect(r.status, r.text).toBe(202)
    }
    const date = at(0).slice(0, 10)
    await waitFor(
      async () =>
        (await call(api.url, 'GET', `/api/sites/${site.id}/stats?from=${date}&to=${date}`, { cookie })).json().kpis
          ?.pageviews === 3,
      5000,
      'three pageviews',
    )
    withStore(api.dataPath, (s) => {
      const dayBucket = Math.floor(Date.parse(date) / 86_400_000)
      expect(packedThrough(s, num, Granularity.DAY)).toBeGreaterThanOrEqual(dayBucket)
      expect(readPacked(s, [num, Metric.PAGEVIEWS, Granularity.DAY, dayBucket])).toBeDefined()
    })
    const stats = await call(api.url, 'GET', `/api/sites/${site.id}/stats?from=${date}&to=${date}`, { cookie })
    expect(stats.json().top.pages).toEqual([
      { name: '/a', value: 2, visitors: 2 },
      { name: '/b', value: 1, visitors: 1 },
    ])
    expect(await api.server.stop()).toBe(0)
    verify = spawnSync(process.execPath, [CLI, 'verify', '-data-path', api.dataPath], { encoding: 'utf8' })
  } finally {
    await api.stop()
  }
  expect(verify.stderr).toBe('')
  expect(verify.status).toBe(0)
})
