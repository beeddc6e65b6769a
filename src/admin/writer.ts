/**
 * The main thread's side of admin writes: `write(op, args)` runs the op in a drain worker and resolves
 * with its result, or rejects with an {@link ApiError} carrying the op's refusal.
 *
 * After the commit, this thread's LMDB read transaction is renewed: lmdb-js renews read snapshots
 * lazily, so without it the very next read (say, GET after POST) could miss the write.
 * @module
 */
import type { Piscina } from 'piscina'
import type { Store } from '../store/open.js'
import type { HttpError } from '../http/errors.js'
import type { AdminArgs, AdminOpName, AdminResult } from './ops.js'
import type { AdminMessage, AdminReply } from './run.js'

/** An expected refusal with its catalogue error; the API turns it into the answer as is. */
export class ApiError extends Error {
  constructor(readonly error: HttpError) {
    super(error.body.message)
  }
}

export type AdminWrite = <K extends AdminOpName>(op: K, args: AdminArgs<K>) => Promise<AdminResult<K>>

export function adminWriter(pool: Piscina, store: Store): AdminWrite {
  return async (op, args) => {
    const message: AdminMessage = { op, args }
    const reply = (await pool.run(message, { name: 'admin' })) as AdminReply
    store.env.resetReadTxn()
    if (!reply.ok) throw new ApiError(reply.error)
    return reply.value as AdminResult<typeof op>
  }
}
