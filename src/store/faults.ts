/**
 * Storage faults: failures of the store itself (a full disk, an I/O error, a read-only file system, a
 * data directory that vanished), as opposed to bugs. A fault is a state of the server, not a crash: the
 * segment stays in its ring, the server says it is degraded (src/ops/store-health.ts) and refuses new
 * events until writes succeed again.
 *
 * Faults travel from workers to the main thread as plain data (Piscina structured-clones results;
 * Error subclasses and their extra fields do not survive the trip), hence {@link StorageFault}.
 * @module
 */

export interface StorageFault {
  /** Stable: an errno name (`ENOSPC`, `EIO`, `EROFS`…), `MAP_FULL`, `LMDB_PANIC` or `STORE_GONE`. */
  code: string
  /** For the log and /readyz: what happened, in words, with the path. */
  message: string
  /**
   * True when this process cannot ever write safely again (the data file it holds open was removed or
   * replaced, or LMDB declared the environment broken): no probe, no retry — a restart is needed.
   */
  sticky: boolean
}

/** errno values LMDB passes through from the file system (Linux numbering, as lmdb-js reports them). */
const ERRNO: Record<number, [code: string, what: string]> = {
  1: ['EPERM', 'the operation is not permitted'],
  5: ['EIO', 'an input/output error (the disk is full or failing)'],
  12: ['ENOMEM', 'out of memory mapping the store'],
  13: ['EACCES', 'permission denied'],
  27: ['EFBIG', 'the data file is too large for the file system'],
  28: ['ENOSPC', 'the disk is full'],
  30: ['EROFS', 'the file system is read-only'],
  122: ['EDQUOT', 'the disk quota is exceeded'],
}

/** LMDB's own error numbers (lmdb.h) that mean "the store cannot take this write", not "a bug of ours". */
const MDB_MAP_FULL = -30792
const MDB_PANIC = -30795

/**
 * The storage fault an error from lmdb-js stands for, or null for anything else (a bug: the caller
 * treats it as one). lmdb-js throws `Error(mdb_strerror(rc))` with `code = rc` (positive errno or an
 * MDB_* value; lmdb-js src/misc.cpp `throwLmdbError`).
 */
export function storageFaultOf(err: unknown, path: string): StorageFault | null {
  if (err instanceof StorageFaultError) return err.fault
  if (err instanceof StoreGoneError) return { code: 'STORE_GONE', message: err.message, sticky: true }
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code !== 'number') return null
  if (code === MDB_MAP_FULL) {
    return {
      code: 'MAP_FULL',
      message: `the store at ${path} cannot grow its memory map (MDB_MAP_FULL)`,
      sticky: false,
    }
  }
  if (code === MDB_PANIC) {
    return {
      code: 'LMDB_PANIC',
      message: `LMDB reported a fatal error on the store at ${path} (MDB_PANIC); restart hitring`,
      sticky: true,
    }
  }
  const known = ERRNO[code]
  if (!known) return null
  return { code: known[0], message: `cannot write to the store at ${path}: ${known[1]} (${known[0]})`, sticky: false }
}

/**
 * The fault behind any error of a write to the store at `path` — including a failed asynchronous
 * `env.transaction()` commit — or null when it is not one (a bug). lmdb-js rejects the transaction with a generic
 * "Commit failed (see commitError for details)" whose `commitError` is a second promise, rejected with
 * the real cause; nothing else handles that promise, so awaiting it here also keeps it from becoming an
 * unhandled rejection (which ends a worker thread). https://github.com/kriszyp/lmdb-js/blob/v3.5.6/write.js#L599
 */
export async function commitFaultOf(err: unknown, path: string): Promise<StorageFault | null> {
  const commitError = (err as { commitError?: unknown } | null)?.commitError
  if (commitError instanceof Promise) {
    const cause = await commitError.then(
      () => undefined,
      (cause: unknown) => cause,
    )
    return (
      storageFaultOf(cause, path) ?? {
        code: 'EIO',
        message: `the commit to the store at ${path} failed: ${String((cause as Error)?.message ?? cause)}`,
        sticky: false,
      }
    )
  }
  return storageFaultOf(err, path)
}

/** lmdb-js's generic commit rejection, which always also reaches the awaited transaction. */
export function isLmdbCommitRejection(reason: unknown): boolean {
  return reason instanceof Error && reason.message.startsWith('Commit failed') && 'commitError' in reason
}

/** Thrown when the data directory or its data file is gone or is not the one the server opened. */
export class StoreGoneError extends Error {}

/** A storage fault found by our own checks (the store's identity), thrown where an error is expected. */
export class StorageFaultError extends Error {
  constructor(readonly fault: StorageFault) {
    super(fault.message)
  }
}
