/**
 * Visitors, visits, bounces and durations straight from the rollups, for pageviews sent with different
 * IP / User-Agent mixes — identical with 1 and with 4 drain workers.
 */
import { afterAll, expect, test } from 'vitest'
import { EventKind } from '../src/ingest/payload.js'
import { openStore } from '../src/store/open.js'
import { createSite } from '../src/store/sites.js'
import { localBuckets } from '../src/store/buckets.js'
import { readKpis } from '../src/query/kpis.js'
import { recount } from '../src/derive/recount.js'
import { tempDataDir } from './helpers/server.js'
import { drainEvents, openFresh, type TestEvent } from './helpers/drain.js'

const dirs: Array<ReturnType<typeof tempDataDir>> = []
afterAll(() => {
  for (const d of dirs) d.remove()
})

const MIN = 60_000
const T0 = Date.parse('2026-06-10T09:00:00Z')
const IP1 = new Uint8Array([198, 51, 100, 1])
const IP2 = new Uint8Array([198, 51, 100, 2])
const UA1 =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'
const UA2 =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 ' +
  'Mobile/15E148 Safari/604.1'

async function run(workers: number, events: (siteNum: number) => TestEvent[]) {
  const dir = tempDataDir()
  dirs.push(dir)
  const setup = openStore({ path: dir.path })
  const site = createSite(setup, 'mix.example')
  await setup.close()
  await drainEvents(dir.path, events(site.num), workers)
  const store = openFresh(dir.path)
  try {
    const day = localBuckets('UTC', T0).day
    return { kpis: readKpis(store, site.num, day, day + 1), recount: recount(store) }
  } finally {
    await store.close()
  }
}

const pv = (siteNum: number, min: number, ip: Uint8Array, ua: string, path = '/'): TestEvent => ({
  ts: T0 + min * MIN,
  siteNum,
  kind: EventKind.Pageview,
  body: { url: `https://mix.example${path}` },
  ip,
  userAgent: ua,
})

const scenario = (s: number) => [
  pv(s, 0, IP1, UA1, '/'), // visitor A: two pageviews 10 minutes apart → one visit, not bounced, 600 s
  pv(s, 0, IP2, UA1, '/'), // visitor B (another IP): two pageviews 31 minutes apart → two visits, both bounced
  pv(s, 1, IP1, UA2, '/x'), // visitor C (same IP as A, another UA): one pageview → one bounced visit
  pv(s, 10, IP1, UA1, '/pricing'),
  pv(s, 31, IP2, UA1, '/'),
]

test.each([1, 4])(
  'IP/UA mixes give 3 visitors, 4 visits, 3 bounces and 150 s average duration (%i workers)',
  async (workers) => {
    const { kpis, recount: report } = await run(workers, scenario)
    expect(kpis).toMatchObject({
      visitors: 3,
      visits: 4,
      pageviews: 5,
      bounces: 3,
      bounceRate: 75,
      visitDuration: 150,
      viewsPerVisit: 1.25,
    })
    expect(report.mismatches).toEqual([])
  },
)

test("a session that crosses midnight UTC continues under yesterday's salt: one visit, one visitor a day", async () => {
  const midnight = Date.parse('2026-06-11T00:00:00Z')
  const { kpis } = await run(2, (s) => [
    { ...pv(s, 0, IP1, UA1), ts: midnight - 10 * MIN },
    { ...pv(s, 0, IP1, UA1, '/next'), ts: midnight + 10 * MIN },
  ])
  expect(kpis.visits).toBe(1)
  expect(kpis.bounces).toBe(0)
  expect(kpis.visitDuration).toBe(1200)
})

test('a client session_id groups pageviews into one session even across IP changes', async () => {
  const sid = '2b1c8c8e-6a43-4d3a-9a0e-5b8f6c1d2e3f'
  const { kpis } = await run(1, (s) => [
    { ...pv(s, 0, IP1, UA2), body: { url: 'https://mix.example/', session_id: sid } },
    { ...pv(s, 5, IP2, UA2), body: { url: 'https://mix.example/b', session_id: sid } },
  ])
  expect(kpis.visits).toBe(1)
  expect(kpis.bounces).toBe(0)
  expect(kpis.visitors).toBe(2) // visitors are still counted by the cookie-less id
})
