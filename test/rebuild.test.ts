/**
 * Changing a site's time zone leaves every figure correct: local-day and -month counters and sketches
 * are rebuilt from the raw events (and drops from their 15-minute counters) in the same transaction.
 */
import { afterAll, expect, test } from 'vitest'
import { EventKind } from '../src/ingest/payload.js'
import { openStore } from '../src/store/open.js'
import { createSite, getSite } from '../src/store/sites.js'
import { recount } from '../src/derive/recount.js'
import { rebuildSiteRollups } from '../src/derive/rebuild.js'
import { readKpis } from '../src/query/kpis.js'
import { localBuckets } from '../src/store/buckets.js'
import { tempDataDir } from './helpers/server.js'
import { drainEvents, openFresh, type TestEvent } from './helpers/drain.js'

const dir = tempDataDir()
afterAll(() => dir.remove())

test('after a zone change and rebuild, the recount agrees and days follow the new zone', async () => {
  const setup = openStore({ path: dir.path })
  const site = createSite(setup, 'tz.example', 'UTC')
  await setup.close()
  // Pageviews around 18:30 UTC: the same UTC day, but two different days in Asia/Kolkata (+5:30).
  const at = (iso: string, i: number): TestEvent => ({
    ts: Date.parse(iso),
    siteNum: site.num,
    kind: i % 2 ? EventKind.Custom : EventKind.Pageview,
    body: { name: 'signup', url: `https://tz.example/p${i % 3}`, props: { plan: i % 2 ? 'pro' : 'free' } },
    ip: new Uint8Array([192, 0, 2, i]),
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
  })
  const events = [
    at('2026-01-01T18:00:00Z', 1),
    at('2026-01-01T18:29:59Z', 2),
    at('2026-01-01T18:30:00Z', 3),
    at('2026-01-01T20:00:00Z', 4),
  ]
  await drainEvents(dir.path, events, 2)

  const store = openFresh(dir.path)
  try {
    const utcDay = localBuckets('UTC', events[0]!.ts).day
    expect(readKpis(store, site.num, utcDay, utcDay).pageviews).toBe(2)
    expect(recount(store).mismatches).toEqual([])

    store.env.transactionSync(() => {
      store.sites.putSync(site.id, { ...getSite(store, site.id)!, timezone: 'Asia/Kolkata' })
    })
    // The zone changed but nothing was rebuilt: the recount (which buckets by the new zone) disagrees.
    expect(recount(store).mismatches.length).toBeGreaterThan(0)

    store.env.transactionSync(() => rebuildSiteRollups(store, site.num))
    const report = recount(store)
    expect(report.mismatches).toEqual([])
    expect(report.events).toBe(4)
    const jan1 = localBuckets('Asia/Kolkata', events[0]!.ts).day
    expect(localBuckets('Asia/Kolkata', events[2]!.ts).day).toBe(jan1 + 1)
    // 18:00Z and 18:29:59Z are Jan 1 in Kolkata (one pageview, one event); 18:30Z and 20:00Z are Jan 2.
    expect(readKpis(store, site.num, jan1, jan1)).toMatchObject({ pageviews: 1, events: 1 })
    expect(readKpis(store, site.num, jan1 + 1, jan1 + 1)).toMatchObject({ pageviews: 1, events: 1 })
  } finally {
    await store.close()
  }
})
