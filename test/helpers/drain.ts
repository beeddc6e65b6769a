/**
 * Runs the real drain in-process — real rings, real Piscina workers (dist/workers/drain.js), real LMDB —
 * on events with chosen receive times, which HTTP cannot give (the server stamps its own clock).
 */
import { join } from 'node:path'
import { Piscina } from 'piscina'
import { createRing, RingWriter } from '../../src/ring/index.js'
import { encodeIngestRecord, RECORD_TYPE_INGEST_V2 } from '../../src/event/record.js'
import { type EventKind, validPayload } from '../../src/ingest/payload.js'
import { DrainScheduler } from '../../src/pipeline/scheduler.js'
import type { DrainResult } from '../../src/drain/protocol.js'
import { openStore, type Store } from '../../src/store/open.js'
import { eventLane } from '../../src/http/lane.js'
import { createSessionTable } from '../../src/sessions/table.js'
import { ROOT } from './server.js'
import { readIdentity } from '../../src/store/identity.js'

export interface TestEvent {
  ts: number
  siteNum: number
  kind: EventKind
  body: object
  ip: Uint8Array
  userAgent: string
}

/** Drains `events` (in this order, lanes chosen as the HTTP thread does) into the store at `dataPath`. */
export async function drainEvents(dataPath: string, events: TestEvent[], workers: number): Promise<DrainResult[]> {
  const buffers = Array.from({ length: 4 }, () => createRing(1 << 20))
  const rings = buffers.map((b) => new RingWriter(b))
  const pool = new Piscina({
    filename: join(ROOT, 'dist/workers/drain.js'),
    minThreads: workers,
    maxThreads: workers,
    concurrentTasksPerWorker: 2,
    atomics: 'disabled',
    workerData: {
      rings: buffers,
      sessionTables: buffers.map(() => createSessionTable(1 << 12)),
      dataPath,
      identity: readIdentity(dataPath),
    },
  })
  const results: DrainResult[] = []
  let failure: unknown = null
  const scheduler = new DrainScheduler(pool, rings, workers * 2, {
    onDrained: (r) => results.push(r),
    onFault: (fault) => (failure = new Error(fault.message)),
    onFailure: (_lane, err) => (failure = err),
  })
  try {
    for (const e of events) {
      // A copy: the encoder's buffer is shared, and we may wait for room below.
      const payload = validPayload(e.kind, e.body)
      const record = encodeIngestRecord({
        receivedAt: e.ts,
        siteNum: e.siteNum,
        kind: e.kind,
        ip: e.ip,
        userAgent: e.userAgent,
        payload,
      }).slice()
      const ring = rings[eventLane(e.ip, payload.sessionId, 3)]!
      let at = ring.reserve(RECORD_TYPE_INGEST_V2, record.length)
      while (at < 0) {
        scheduler.kick()
        await new Promise((r) => setTimeout(r, 1))
        if (failure) throw failure
        at = ring.reserve(RECORD_TYPE_INGEST_V2, record.length)
      }
      ring.bytes.set(record, at)
      ring.publish()
      scheduler.kick()
    }
    if (!(await scheduler.drainAll(30_000))) throw new Error('the drain did not finish in 30 s')
    if (failure) throw failure
  } finally {
    scheduler.stop()
    await pool.close()
  }
  return results
}

export function openFresh(dataPath: string): Store {
  const store = openStore({ path: dataPath })
  store.env.resetReadTxn()
  return store
}
