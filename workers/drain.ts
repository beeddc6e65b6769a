/**
 * The Piscina drain worker. Each task drains one segment of one ring lane into LMDB (see
 * src/drain/segment.ts); the main thread schedules the tasks and advances the ring tails. The named
 * export `admin` runs the REST API's writes (src/admin/), so the HTTP thread never writes to LMDB.
 *
 * The store is opened on the first task, not when the module loads: Piscina starts `minThreads` workers
 * at once, and a pool closed while an idle worker is still inside lmdb-js's native open terminates that
 * thread mid-call, which can abort the whole process (lmdb-js#268 is the same family of crash).
 *
 * A storage fault (full disk, I/O error, vanished data directory) is an answer, not a crash: the task
 * resolves with `{ failed: fault }` and the segment stays in its ring (src/drain/protocol.ts).
 * @module
 */
import { workerData } from 'node:worker_threads'
import { RingReader } from '../src/ring/index.js'
import {
  openStore,
  type Store,
  commitFaultOf,
  isLmdbCommitRejection,
  storeGuard,
  quietLmdbCommitErrors,
} from '../src/store/index.js'
import { SegmentDrainer, type DrainOutcome, type DrainTask, type DrainWorkerData } from '../src/drain/index.js'
import { runAdmin, type AdminMessage, type AdminReply } from '../src/admin/run.js'

const data = workerData as DrainWorkerData
const guard = storeGuard(data.dataPath, data.identity)
let store: Store | undefined
let drainer: SegmentDrainer | undefined

quietLmdbCommitErrors()
// lmdb-js also rejects promises of its own that nobody holds when a commit fails (write.js rejectCommit):
// the failure already reached the awaited transaction; anything else is a real bug and ends the worker.
process.on('unhandledRejection', (reason) => {
  if (isLmdbCommitRejection(reason)) return
  throw reason
})

function opened(): { store: Store; drainer: SegmentDrainer } {
  // Tables of its own would split a lane's sessions between workers: the pool must share them.
  if (data.sessionTables?.length !== data.rings.length)
    throw new Error('drain worker started without one shared session table per ring lane')
  store ??= openStore({ path: data.dataPath, create: false })
  drainer ??= new SegmentDrainer(
    store,
    data.rings.map((sab) => new RingReader(sab)),
    data.sessionTables,
    guard,
  )
  return { store, drainer }
}

export default async function drain(task: DrainTask): Promise<DrainOutcome> {
  try {
    return await opened().drainer.drain(task)
  } catch (err) {
    const fault = await commitFaultOf(err, data.dataPath)
    if (fault) return { failed: fault }
    throw err
  }
}

/** Admin writes of the REST API (src/admin/ops.ts), each in one transaction: `pool.run(message, { name: 'admin' })`. */
export function admin(message: AdminMessage): AdminReply {
  return runAdmin(() => opened().store, message, guard)
}
