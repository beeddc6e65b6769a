/**
 * A site deleted while its events still wait in the ring: the drain writes nothing more of it — no raw
 * event block, no rollup, no sketch — even within the 5 s its drainer keeps the site cached, and the
 * rollups still equal a recount of the raw events. (Found by the hostile-input fuzzer: a site deleted
 * under load left rollups of the deleted site that `hitring verify` reported as mismatches.)
 */
import { afterAll, expect, test } from 'vitest'
import { openStore, type Store } from '../src/store/open.js'
import { createSite } from '../src/store/sites.js'
import { allBlocks } from '../src/store/events.js'
import { createRing, RingReader, RingWriter } from '../src/ring/index.js'
import { encodeIngestRecord, RECORD_TYPE_INGEST_V2 } from '../src/event/record.js'
import { EventKind, validPayload } from '../src/ingest/payload.js'
import { SegmentDrainer } from '../src/drain/segment.js'
import { deleteSiteInTransaction } from '../src/admin/site-data.js'
import { recount } from '../src/derive/recount.js'
import { tempDataDir } from './helpers/server.js'

const dir = tempDataDir()
let store: Store
afterAll(async () => {
  await store?.close()
  dir.remove()
})

test('events of a site deleted while they wait in the ring are not written; the recount still matches', async () => {
  store = openStore({ path: dir.path })
  const gone = createSite(store, 'gone.example')
  const kept = createSite(store, 'kept.example')
  const sab = createRing(1 << 20)
  const writer = new RingWriter(sab)
  const drainer = new SegmentDrainer(store, [new RingReader(sab)])
  const T0 = Date.now() - 10 * 60_000
  const ua = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'
  /** 100 pageviews of 100 visitors on each site, `minute` minutes after T0; drained in one task. */
  const send = async (minute: number, path: string) => {
    const from = writer.tail()
    for (const site of [gone, kept]) {
      for (let v = 0; v < 100; v++) {
        const payload = validPayload(EventKind.Pageview, { site_id: site.id, url: `https://${site.domain}${path}` })
        const record = encodeIngestRecord({
          receivedAt: T0 + minute * 60_000 + v,
          siteNum: site.num,
          kind: EventKind.Pageview,
          ip: Uint8Array.of(10, 0, 0, v),
          userAgent: ua,
          payload,
        })
        writer.bytes.set(record, writer.reserve(RECORD_TYPE_INGEST_V2, record.length))
      }
    }
    writer.publish()
    const r = await drainer.drain({ segments: [{ lane: 0, from, to: writer.head() }], sync: false })
    writer.release(r.segments[0]!.to)
    return r
  }

  expect((await send(0, '/')).stored).toBe(200)
  // Deleted now, as DELETE /api/sites/{id} does (an admin op's transaction), while the drainer still has it cached.
  await store.env.transaction(() => deleteSiteInTransaction(store, gone))
  // The visitors come back: their sessions (begun before the delete) are still in the lane's table.
  const after = await send(2, '/pricing')
  expect(after.stored).toBe(100)
  expect(after.dropped.site_deleted).toBe(100)

  store.env.resetReadTxn()
  expect([...allBlocks(store, gone.num)]).toEqual([])
  expect(store.rollups.getKeysCount({ start: [gone.num], end: [gone.num + 1] })).toBe(0)
  expect(store.uniques.getKeysCount({ start: [gone.num], end: [gone.num + 1] })).toBe(0)
  expect([...allBlocks(store, kept.num)].reduce((n, b) => n + b.block.e.length, 0)).toBe(200)
  expect(recount(store).mismatches).toEqual([])
})
