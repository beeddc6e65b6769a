/**
 * The store's identity: the device and inode of the data file the server opened. LMDB keeps its files
 * open, so when the data directory is deleted, moved or unmounted under a running server, every commit
 * still "succeeds" — into a file nobody will ever open again. Comparing what the path resolves to now
 * with what was opened is the only way to notice: the main thread checks on a timer (asynchronously),
 * and every worker before and after each commit (synchronously: workers may block).
 *
 * A difference is sticky for the process (src/store/faults.ts `sticky`): a batch committed into the
 * vanished file may or may not be readable again, so it is never committed a second time; restart
 * hitring once the directory is back.
 * @module
 */
import { statSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { StorageFault } from './faults.js'

/** dev and ino as decimal strings (bigint stats: inode numbers may pass 2^53). */
export interface StoreIdentity {
  dev: string
  ino: string
}

/** What a drain worker checks around each commit: null while the store is the one the server opened. */
export interface StoreGuard {
  path: string
  check(): StorageFault | null
}

/** A guard for the store at `path` opened with `identity`. */
export function storeGuard(path: string, identity: StoreIdentity): StoreGuard {
  return { path, check: () => identityFaultSync(path, identity) }
}

/** LMDB's data file inside the environment directory (lmdb-js with `noSubdir: false`). */
export const DATA_FILE = 'data.mdb'

/** The identity of the store at `path` now. Synchronous: for start-up and workers, never the HTTP thread. */
export function readIdentity(path: string): StoreIdentity {
  const s = statSync(join(path, DATA_FILE), { bigint: true })
  return { dev: String(s.dev), ino: String(s.ino) }
}

/** Null while `path` still resolves to the opened data file, else the fault (synchronous: workers). */
export function identityFaultSync(path: string, expected: StoreIdentity): StorageFault | null {
  try {
    return compare(path, expected, statSync(join(path, DATA_FILE), { bigint: true }))
  } catch (err) {
    return statFault(path, err)
  }
}

/** The same check without blocking (the main thread's timer). */
export async function identityFault(path: string, expected: StoreIdentity): Promise<StorageFault | null> {
  try {
    return compare(path, expected, await stat(join(path, DATA_FILE), { bigint: true }))
  } catch (err) {
    return statFault(path, err)
  }
}

function compare(path: string, expected: StoreIdentity, s: { dev: bigint; ino: bigint }): StorageFault | null {
  if (String(s.dev) === expected.dev && String(s.ino) === expected.ino) return null
  return {
    code: 'STORE_GONE',
    message:
      `the data file ${join(path, DATA_FILE)} was replaced while the server ran (it is not the file the ` +
      `server opened); restart hitring`,
    sticky: true,
  }
}

function statFault(path: string, err: unknown): StorageFault {
  const code = (err as NodeJS.ErrnoException).code ?? 'UNKNOWN'
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return {
      code: 'STORE_GONE',
      message:
        `the data directory ${path} was removed or unmounted while the server ran; restart hitring once it ` +
        `is back`,
      sticky: true,
    }
  }
  // Cannot tell (EACCES, EIO…): not writable for now, checked again.
  return { code, message: `cannot check the store at ${path}: ${(err as Error).message}`, sticky: false }
}
