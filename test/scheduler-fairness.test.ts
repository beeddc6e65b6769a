/**
 * The drain scheduler serves every lane when there are fewer task slots than lanes (one worker: two
 * slots, four lanes). Real rings, a real Piscina pool running the real drain worker, a real LMDB.
 */
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { Piscina } from 'piscina'
import { createRing, RingWriter } from '../src/ring/index.js'
import { createSessionTable } from '../src/sessions/table.js'
import { EventKind, validPayload } from '../src/ingest/payload.js'
import { enqueueEvent } from '../src/ingest/enqueue.js'
import { DrainScheduler } from '../src/pipeline/scheduler.js'
import type { DrainResult } from '../src/drain/protocol.js'
import { openStore } from '../src/store/open.js'
import { readIdentity } from '../src/store/identity.js'
import { createSite } from '../src/store/sites.js'
import { ROOT, tempDataDir } from './helpers/server.js'

const dir = tempDataDir()
afterAll(() => dir.remove())

test('with one task slot and four busy lanes, every lane is drained in turn (no lane starves)', async () => {
  const setup = openStore({ path: dir.path })
  const site = createSite(setup, 'fair.example')
  await setup.close()
  const buffers = Array.from({ length: 4 }, () => createRing(1 << 20))
  const rings = buffers.map((b) => new RingWriter(b))
  const payload = validPayload(EventKind.Pageview, { url: 'https://fair.example/' })
  const publish = (lane: number) => {
    const ip = Uint8Array.of(10, 0, 0, lane)
    if (
      enqueueEvent(rings[lane]!, {
        receivedAt: Date.now(),
        siteNum: site.num,
        kind: EventKind.Pageview,
        ip,
        userAgent: 'ua',
        payload,
      }) < 0
    )
      throw new Error('ring full')
  }
  const pool = new Piscina({
    filename: join(ROOT, 'dist/workers/drain.js'),
    minThreads: 1,
    maxThreads: 1,
    atomics: 'disabled',
    workerData: {
      rings: buffers,
      sessionTables: buffers.map(() => createSessionTable(1 << 12)),
      dataPath: dir.path,
      identity: readIdentity(dir.path),
    },
  })
  const order: number[] = []
  let tasks = 0
  let scheduler: DrainScheduler
  const done = new Promise<void>((resolve, reject) => {
    scheduler = new DrainScheduler(pool, rings, 1, {
      onDrained: (r: DrainResult) => {
        for (const s of r.segments) order.push(s.lane)
        // Lanes 0 and 1 always have more waiting: the old scheduler, which always started from lane 0
        // with one lane per task, never got to lanes 2 and 3.
        if (++tasks < 12) {
          publish(0)
          publish(1)
          scheduler.kick()
        } else resolve()
      },
      onFault: (fault) => reject(new Error(fault.message)),
      onFailure: (_lane, err) => reject(err),
    })
  })
  try {
    for (let lane = 0; lane < 4; lane++) publish(lane)
    scheduler!.kick()
    await done
    expect(await scheduler!.drainAll(10_000)).toBe(true)
  } finally {
    scheduler!.stop()
    await pool.close()
  }
  expect(order.slice(0, 4).sort()).toEqual([0, 1, 2, 3])
  for (const lane of [2, 3]) expect(order).toContain(lane)
})
