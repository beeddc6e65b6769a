/**
 * Runs one admin op (./ops.ts) in one LMDB write transaction, in a drain worker. Expected refusals come
 * back as data (`{ ok: false, error }`) — the transaction rolled back; anything else is a bug and is
 * re-thrown, so the caller answers 500 and logs it.
 * @module
 */
import type { Store } from '../store/open.js'
import type { HttpError } from '../http/errors.js'
import { adminOps, type AdminOpName } from './ops.js'
import { refusalOf } from './refusal.js'

/** What the main thread sends through Piscina (`pool.run(message, { name: 'admin' })`). */
export interface AdminMessage {
  op: AdminOpName
  args: unknown
}

export type AdminReply = { ok: true; value: unknown } | { ok: false; error: HttpError }

export function runAdmin(store: Store, message: AdminMessage): AdminReply {
  const op = adminOps[message.op] as ((store: Store, args: unknown) => unknown) | undefined
  if (typeof op !== 'function' || !Object.hasOwn(adminOps, message.op)) throw new Error(`unknown admin op ${JSON.stringify(message.op)}`)
  try {
    const value = store.env.transactionSync(() => op(store, message.args))
    return { ok: true, value }
  } catch (err) {
    const error = refusalOf(err)
    if (error === null) throw err
    return { ok: false, error }
  }
}
