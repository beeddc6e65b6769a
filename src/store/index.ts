/**
 * The store: hitring's LMDB environment, its named databases (the table in ./open.ts) and the stored
 * layouts the rest of the code reads and writes through — sites, interned strings, rollup counters
 * and their packed copies, unique-visitor sketches, blocks of raw events, faults of the disk, the data
 * directory's identity and lock. Every thread opens the same path; only drain workers and the CLI
 * write, in one transaction per batch or admin operation, never the HTTP thread.
 *
 * Rollup keys are `[site, metric, granularity, bucket, dim]` (./metrics.ts, ./buckets.ts); what turns
 * raw events into them lives above, in src/derive/.
 *
 * @example
 * ```ts
 * import {
 *   createSite, getSiteByNum, Granularity, Metric, openStore, q15Bucket, readCounter, RollupDeltas,
 * } from './store/index.js'
 *
 * const store = openStore({ path: '/var/lib/hitring' })
 * const site = createSite(store, 'example.com', 'Europe/Berlin') // its own write transaction (CLI, admin ops)
 * // a drain batch (in a worker): count, then apply inside the batch's write transaction
 * const deltas = new RollupDeltas()
 * deltas.count({ num: site.num, timezone: site.timezone }, Metric.PAGEVIEWS, Date.now(), 0)
 * store.env.transactionSync(() => deltas.applyInTransaction(store))
 * // a read (any thread): one counter
 * console.log(readCounter(store, [site.num, Metric.PAGEVIEWS, Granularity.Q15, q15Bucket(Date.now()), 0])) // 1
 * console.log(getSiteByNum(store, site.num)?.domain) // 'example.com'
 * await store.close()
 * ```
 * @module
 */
export { openStore, reserveSequence, SCHEMA_VERSION, type OpenStoreOptions, type Store } from './open.js'
export { DAY_MS, Granularity, localBuckets, Q15_MS, q15Bucket, type LocalBuckets } from './buckets.js'
export { DIM_KIND, hasQ15Breakdown, Metric, type RollupKey, type SiteBuckets } from './metrics.js'
export { readCounter, RollupDeltas } from './rollups.js'
export { readSketch, UniqueDeltas, type DimUniquesKey, type UniquesKey } from './uniques.js'
export {
  addPacked,
  clearPacked,
  lastClosedBucket,
  packClosedBuckets,
  packedMismatches,
  packedThrough,
  readPacked,
  rowsOfBucket,
  type PackedKey,
  type PackProgress,
} from './packed.js'
export { Interner, lookupStringId, parsePropDim, propDimText, StringKind, stringOf } from './strings.js'
export {
  createSite,
  getSite,
  getSiteByDomain,
  getSiteByNum,
  hostnameAllowed,
  isValidTimezone,
  listSites,
  normaliseDomain,
  setSiteFilters,
  SiteError,
  siteHostFromOrigin,
  type SiteRecord,
} from './sites.js'
export { SiteDirectory, type KnownSite } from './site-directory.js'
export { allBlocks, blockKey, countEvents, type EventBlock } from './events.js'
export { encodeEventBlock } from './event-block.js'
export {
  commitFaultOf,
  isLmdbCommitRejection,
  StorageFaultError,
  storageFaultOf,
  StoreGoneError,
  type StorageFault,
} from './faults.js'
export { identityFault, readIdentity, storeGuard, type StoreGuard, type StoreIdentity } from './identity.js'
export { StoreOpenError, tightenDataDir } from './data-dir.js'
export { DataDirInUse, lockDataDir, type DataDirLock } from './lock.js'
export { quietLmdbCommitErrors } from './lmdb-noise.js'
