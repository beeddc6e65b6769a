/**
 * Runs one admin op (./ops.ts) in one LMDB write transaction, in a drain worker. Expected refusals come
 * back as data (`{ ok: false, error }`) — the transaction rolled back; so do storage faults (a full
 * disk, a vanished data directory: `storage_unavailable`, with the fault for the server's health); anything
 * else is a bug and is re-thrown, so the caller answers 500 and logs it.
 * @module
 */
import { type Store, StorageFaultError, storageFaultOf, type StorageFault, type StoreGuard } from '../store/index.js'
import { refuse, type RefusalData } from '../errors/index.js'
import { adminOps, type AdminOpName } from './ops.js'
import { refusalOf } from './refusal.js'

/** What the main thread sends through Piscina (`pool.run(message, { name: 'admin' })`). */
export interface AdminMessage {
  op: AdminOpName
  args: unknown
}

export type AdminReply = { ok: true; value: unknown } | { ok: false; error: RefusalData; fault?: StorageFault }

/**
 * `store` is a function: opening the store can itself fail (its directory is gone), and that is a fault
 * to answer, not a crash. `guard` is checked before and after the commit (src/store/identity.ts).
 */
export function runAdmin(store: () => Store, message: AdminMessage, guard: StoreGuard | null = null): AdminReply {
  const op = adminOps[message.op] as ((store: Store, args: unknown) => unknown) | undefined
  if (typeof op !== 'function' || !Object.hasOwn(adminOps, message.op))
    throw new Error(`unknown admin op ${JSON.stringify(message.op)}`)
  try {
    const before = guard?.check()
    if (before) throw new StorageFaultError(before)
    const s = store()
    const value = s.env.transactionSync(() => op(s, message.args))
    const after = guard?.check()
    if (after) throw new StorageFaultError(after)
    return { ok: true, value }
  } catch (err) {
    const error = refusalOf(err)
    if (error !== null) return { ok: false, error }
    const fault = storageFaultOf(err, guard?.path ?? '')
    if (fault !== null) return { ok: false, error: refuse('storage_unavailable'), fault }
    throw err
  }
}
