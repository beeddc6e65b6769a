/**
 * The drain, worker side: a Piscina worker (workers/drain.ts) runs one {@link SegmentDrainer} over the
 * rings and session tables it is handed once ({@link DrainWorkerData}), and answers each
 * {@link DrainTask} — segments `[from, to)` of some lanes — by decoding their records and writing
 * everything they add in ONE LMDB transaction ({@link DrainOutcome}). The main-thread side that hands
 * out tasks, releases the rings and answers durable acknowledgements is src/pipeline/; ./protocol.ts
 * is what the two say to each other.
 *
 * @example
 * ```ts
 * import { workerData } from 'node:worker_threads'
 * import { RingReader } from './ring/index.js'
 * import { openStore } from './store/index.js'
 * import { SegmentDrainer, type DrainTask, type DrainWorkerData } from './drain/index.js'
 *
 * // in a worker (the server's is workers/drain.ts):
 * const data = workerData as DrainWorkerData
 * const store = openStore({ path: data.dataPath, create: false })
 * const drainer = new SegmentDrainer(store, data.rings.map((sab) => new RingReader(sab)), data.sessionTables)
 * const task: DrainTask = { segments: [{ lane: 0, from: 0, to: 4096 }], sync: false }
 * const result = await drainer.drain(task) // per lane where it ended: the main thread releases the ring there
 * ```
 * @module
 */
export { SegmentDrainer } from './segment.js'
export type { DrainFailure, DrainOutcome, DrainResult, DrainTask, DrainWorkerData, Segment } from './protocol.js'
