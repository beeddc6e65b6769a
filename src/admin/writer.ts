/**
 * The main thread's side of admin writes: `write(op, args)` runs the op in a drain worker and resolves
 * with its result, or rejects with the op's Refusal (src/errors/).
 *
 * While the store cannot write (src/ops/store-health.ts) every write is refused at once with 503
 * `storage_unavailable`; a write that meets a storage fault answers the same and reports the fault.
 *
 * After the commit, this thread's LMDB read transaction is renewed: lmdb-js renews read snapshots
 * lazily, so without it the very next read (say, GET after POST) could miss the write.
 * @module
 */
import type { Piscina } from 'piscina'
import type { Store } from '../store/index.js'
import { refuse, refusalFrom } from '../errors/index.js'
import type { StoreHealth } from '../ops/store-health.js'
import type { AdminArgs, AdminOpName, AdminResult } from './ops.js'
import type { AdminMessage, AdminReply } from './run.js'

export type AdminWrite = <K extends AdminOpName>(op: K, args: AdminArgs<K>) => Promise<AdminResult<K>>

/** Runs one admin op in a worker as it is, degraded or not (the health probe); resolves with the worker's reply. */
export function runAdminOp<K extends AdminOpName>(pool: Piscina, op: K, args: AdminArgs<K>): Promise<AdminReply> {
  const message: AdminMessage = { op, args }
  return pool.run(message, { name: 'admin' }) as Promise<AdminReply>
}

export function adminWriter(pool: Piscina, store: Store, health: StoreHealth | null = null): AdminWrite {
  return async (op, args) => {
    if (health !== null && !health.writable) throw refuse('storage_unavailable')
    const reply = await runAdminOp(pool, op, args)
    store.env.resetReadTxn()
    if (!reply.ok) {
      // A success does not clear a fault: only the drain and the probe decide recovery (src/ops/store-watch.ts).
      if (reply.fault) health?.report(reply.fault, `admin write ${op}`)
      throw refusalFrom(reply.error)
    }
    return reply.value as AdminResult<typeof op>
  }
}
