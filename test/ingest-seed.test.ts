/**
 * The seed's own flow over real HTTP: the curl body of HitKeep's custom-events documentation, verbatim,
 * against the built server, landing in LMDB (raw events and rollups) within a second.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { addSite, startServer, tempDataDir, waitFor, type ServerProcess } from './helpers/server.js'
import { postJson, send } from './helpers/http.js'
import { storedEventCount, withStore } from './helpers/store.js'
import { allBlocks } from '../src/store/events.js'
import { recount } from '../src/derive/recount.js'
import { Metric } from '../src/store/metrics.js'
import { Granularity, localBuckets, q15Bucket } from '../src/store/buckets.js'
import { StringKind, stringOf } from '../src/store/strings.js'

const BROWSER_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'
const dir = tempDataDir()
let server: ServerProcess
let siteId: string
let siteNum: number

beforeAll(async () => {
  siteId = addSite(dir.path, 'your-site.com')
  server = await startServer(dir.path)
})
afterAll(async () => {
  await server?.stop()
  dir.remove()
})

describe('the seed curl example', () => {
  test('returns 202 and the event is in LMDB, with its rollups, within a second', async () => {
    const sentAt = Date.now()
    // Exactly the seed's body, with YOUR_SITE_ID replaced.
    const body = `{
"site_id": "${siteId}",
"name": "purchase",
"url": "https://your-site.com/checkout/success",
"referrer": "",
"props": {
"plan": "pro",
"amount": "49"
}
}`
    const answer = await send(`${server.url}/ingest/event`, { body, headers: { 'Content-Type': 'application/json' } })
    expect(answer.status).toBe(202)
    await waitFor(() => storedEventCount(dir.path) === 1, 1000, 'the event in LMDB')

    withStore(dir.path, (store) => {
      const [{ siteNum: num, block }] = [...allBlocks(store)]
      siteNum = num
      expect(block.e).toHaveLength(1)
      const { dt, kind, nameId, pathId, query, referrer, props } = block.e[0]!
      expect(kind).toBe(1)
      expect(stringOf(store, StringKind.EVENT_NAME, nameId)).toBe('purchase')
      expect(stringOf(store, StringKind.PATH, pathId)).toBe('/checkout/success')
      expect(query).toBe('')
      expect(referrer).toBe('')
      expect(props).toEqual({ plan: 'pro', amount: '49' })
      const ts = block.t0 + dt
      expect(ts).toBeGreaterThanOrEqual(sentAt - 5)
      expect(ts).toBeLessThanOrEqual(Date.now())

      const { day, month } = localBuckets('UTC', ts)
      for (const [gran, bucket] of [
        [Granularity.Q15, q15Bucket(ts)],
        [Granularity.DAY, day],
        [Granularity.MONTH, month],
      ]) {
        expect(store.rollups.get([siteNum, Metric.EVENTS, gran!, bucket!, 0])).toBe(1)
      }
      // Breakdowns (here: by event name) are kept per local day and month.
      expect(store.rollups.get([siteNum, Metric.EVENTS, Granularity.DAY, day, nameId])).toBe(1)
      expect(store.rollups.get([siteNum, Metric.EVENTS, Granularity.MONTH, month, nameId])).toBe(1)
      expect(recount(store).mismatches).toEqual([])
    })
  })

  test('a pageview by Origin (no site_id), as text/plain like sendBeacon, counts per path', async () => {
    const before = storedEventCount(dir.path)
    for (const path of ['/pricing?utm_source=news', '/pricing', '/about#team']) {
      const a = await send(`${server.url}/ingest`, {
        body: JSON.stringify({ url: `https://www.your-site.com${path}`, referrer: 'https://news.example/' }),
        headers: {
          'Content-Type': 'text/plain;charset=UTF-8',
          Origin: 'https://www.your-site.com',
          'User-Agent': BROWSER_UA,
        },
      })
      expect(a.status).toBe(202)
      expect(a.headers['x-hitring-drop']).toBeUndefined()
      expect(a.headers['access-control-allow-origin']).toBe('https://www.your-site.com')
    }
    await waitFor(() => storedEventCount(dir.path) === before + 3, 1000, 'three pageviews in LMDB')
    withStore(dir.path, (store) => {
      const pageviews = [...allBlocks(store)].flatMap(({ block }) =>
        block.e.filter((e) => e.kind === 0).map((e) => ({ ...e, t: block.t0 + e.dt })),
      )
      expect(pageviews.map((e) => stringOf(store, StringKind.PATH, e.pathId))).toEqual([
        '/pricing',
        '/pricing',
        '/about',
      ])
      expect(pageviews.map((e) => e.query)).toEqual(['utm_source=news', '', ''])
      const day = localBuckets('UTC', pageviews[0]!.t).day
      const pricing = pageviews[0]!.pathId
      expect(store.rollups.get([siteNum, Metric.PAGEVIEWS, Granularity.DAY, day, 0])).toBe(3)
      expect(store.rollups.get([siteNum, Metric.PAGEVIEWS, Granularity.DAY, day, pricing])).toBe(2)
      expect(recount(store).mismatches).toEqual([])
    })
  })

  test('an Origin of an unknown site is answered 202 with a visible drop reason, and nothing is stored', async () => {
    const before = storedEventCount(dir.path)
    const a = await postJson(
      `${server.url}/ingest`,
      { url: 'https://elsewhere.example/' },
      { Origin: 'https://elsewhere.example' },
    )
    expect(a.status).toBe(202)
    expect(a.headers['x-hitring-drop']).toBe('unknown_site_origin')
    const metrics = (await send(`${server.url}/metrics`, { method: 'GET' })).text
    expect(metrics).toMatch(/hitring_ingest_dropped_total\{reason="unknown_site_origin"\} 1/)
    // A later valid event is stored and the dropped one is not.
    await postJson(`${server.url}/ingest/event`, { site_id: siteId, name: 'after', url: 'https://your-site.com/' })
    await waitFor(() => storedEventCount(dir.path) === before + 1, 1000, 'the later event')
  })
})
