/**
 * The Piscina drain worker. Each task drains one segment of one ring lane into LMDB (see
 * src/drain/segment.ts); the main thread schedules the tasks and advances the ring tails. The named
 * export `admin` runs the REST API's writes (src/admin/), so the HTTP thread never writes to LMDB.
 * @module
 */
import { workerData } from 'node:worker_threads'
import { RingReader } from '../src/ring/index.js'
import { openStore } from '../src/store/open.js'
import { SegmentDrainer } from '../src/drain/segment.js'
import type { DrainResult, DrainTask, DrainWorkerData } from '../src/drain/protocol.js'
import { runAdmin, type AdminMessage, type AdminReply } from '../src/admin/run.js'

const data = workerData as DrainWorkerData
const store = openStore({ path: data.dataPath })
const drainer = new SegmentDrainer(store, data.rings.map((sab) => new RingReader(sab)))

export default function drain(task: DrainTask): Promise<DrainResult> {
  return drainer.drain(task)
}

/** Admin writes of the REST API (src/admin/ops.ts), each in one transaction: `pool.run(message, { name: 'admin' })`. */
export function admin(message: AdminMessage): AdminReply {
  return runAdmin(store, message)
}
