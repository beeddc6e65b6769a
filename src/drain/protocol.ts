/**
 * What the main thread and the drain workers say to each other through Piscina.
 * @module
 */
import type { StorageFault, StoreIdentity } from '../store/index.js'

/** Handed to every drain worker once, as Piscina `workerData`. */
export interface DrainWorkerData {
  /** One SharedArrayBuffer ring per lane. */
  rings: SharedArrayBuffer[]
  /** One open-session table per lane (src/sessions/table.ts). */
  sessionTables: SharedArrayBuffer[]
  dataPath: string
  /** The data file the server opened: workers check it around every commit (src/store/identity.ts). */
  identity: StoreIdentity
}

/** The records of lane `lane` between two ring positions: [from, to). */
export interface Segment {
  lane: number
  from: number
  to: number
}

/**
 * "Drain these segments in one transaction": one per lane with records waiting (src/pipeline/scheduler.ts
 * groups lanes, so a commit's fixed cost is shared by every lane's events).
 */
export interface DrainTask {
  segments: Segment[]
  /** Wait until the commit is flushed to disk before answering (shutdown). */
  sync: boolean
}

export interface DrainResult {
  /** Per lane of the task: where its segment ended, its records, its open sessions after the batch. */
  segments: Array<{ lane: number; to: number; records: number; openSessions: number }>
  stored: number
  /** Events acknowledged with 202 but not stored, by reason (never silent: they reach /metrics). */
  dropped: Record<string, number>
  /** Rollup counters written. */
  counters: number
  /** Time from starting the transaction to its commit, ms. */
  commitMs: number
  /** The commit was flushed to disk before this answer (the task asked for `sync`). */
  flushed: boolean
  /**
   * Who was active, for the realtime view: triples `siteNum, visitor fingerprint (u32 of the salted id),
   * last ts`, one per (site, visitor) of the batch, never stored; flat in one typed array — posted back
   * as one copy, where an array of arrays cost the main thread ~5 % of its time to receive and walk
   * (e2e profile).
   */
  active: Float64Array
  /**
   * Events stored whose session could not be kept because the lane's session table was full: each
   * starts a session of its own (visits over-counted, never events lost).
   */
  untrackedSessions: number
  /** Committed, but the store is in trouble (its flush to disk failed): the server is degraded. */
  fault?: StorageFault
}

/** Nothing was committed (or it went where nobody will read it): the segments stay in their rings. */
export interface DrainFailure {
  failed: StorageFault
}

/** What a drain task resolves with; anything else (a bug) rejects it. */
export type DrainOutcome = DrainResult | DrainFailure
