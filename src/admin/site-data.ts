/**
 * Deleting a site and everything stored about it: the site record and its indexes, rollups, unique
 * visitor sketches (and packed breakdowns), raw event blocks, open sessions, goals and roles. Runs inside the admin
 * op's transaction, so a crash leaves either the whole site or nothing.
 *
 * Every store keyed by site starts its key with the site number, so each is a range delete. Interned
 * strings are shared by all sites and stay.
 * @module
 */
import type { Database, Key } from 'lmdb'
import { type Store, type SiteRecord, clearPacked } from '../store/index.js'
import { removeSiteFromLogInTransaction } from '../sessions/log.js'
import { revokeSiteInTransaction } from '../accounts/memberships.js'
import { deleteSiteGoalsInTransaction } from '../goals/store.js'

/** Keys are collected in chunks: a big site must not be held in memory all at once. */
const CHUNK = 10_000

function removeRange(db: Database<unknown, Key>, start: Key, end: Key): number {
  let removed = 0
  for (;;) {
    // Inside the write transaction, reads see our own removals: each pass finds the next chunk.
    const keys = [...db.getKeys({ start, end, limit: CHUNK })]
    if (keys.length === 0) return removed
    for (const key of keys) db.remove(key)
    removed += keys.length
  }
}

function siteKeyPrefix(num: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(num >>> 0)
  return b
}

export function deleteSiteInTransaction(store: Store, site: SiteRecord): { removed: number } {
  const num = site.num
  store.sites.remove(site.id)
  store.siteDomains.remove(site.domain)
  store.siteNums.remove(num)
  let removed = 0
  removed += removeRange(store.rollups, [num], [num + 1])
  removed += removeRange(store.uniques, [num], [num + 1])
  removed += removeRange(store.dimUniques, [num], [num + 1])
  clearPacked(store, num)
  removed += removeRange(store.events, siteKeyPrefix(num), siteKeyPrefix(num + 1))
  // Its logged open sessions; those still in the drain's shared-memory tables are never written again
  // (its events are refused from now on) and are left out of the next snapshot (src/sessions/log.ts).
  removed += removeSiteFromLogInTransaction(store, num)
  deleteSiteGoalsInTransaction(store, site.id)
  revokeSiteInTransaction(store, site.id)
  return { removed }
}
