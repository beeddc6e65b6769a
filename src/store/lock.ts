/**
 * One server per data directory. Two servers on one store each keep their own rings and open-session
 * tables and write rollups from them, which corrupts the counts for good; so `serve` holds an exclusive
 * lock on `<data>/hitring.lock` for its whole life, taken before LMDB is opened or the port bound.
 *
 * The lock is an open-file-description lock (`fcntl(F_OFD_SETLK)` on Linux, `flock` on macOS, `LockFileEx`
 * on Windows, through fs-native-extensions): the kernel drops it when the process ends, `kill -9` and a
 * crash included, so a stale lock never blocks a restart and nothing needs cleaning up by hand. A pid
 * file with a liveness check was the alternative; it is fooled by pid reuse (in a container the server
 * is pid 1 on every start, so a stale file names a live pid — its own) and cannot tell a hung server
 * from another program. The pid in the file serves only the message: such locks do not report their
 * holder.
 *
 * The CLI's commands take no lock: LMDB serialises write transactions across processes, and the server
 * re-reads sites, filters and users from LMDB (src/store/site-directory.ts, src/drain/segment.ts).
 * @module
 */
import { closeSync, constants, ftruncateSync, openSync, readSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { FILE_MODE, LOCK_FILE, makeDataDir, StoreOpenError, storeOpenError } from './data-dir.js'

/**
 * fs-native-extensions (a native addon, prebuilt for Linux, macOS and Windows; no type declarations) is
 * loaded on first use, so only `serve` needs it to load: the CLI's commands never lock.
 */
function tryLock(fd: number): boolean {
  const addon = createRequire(import.meta.url)('fs-native-extensions') as { tryLock(fd: number): boolean }
  return addon.tryLock(fd)
}

export interface DataDirLock {
  /** Gives the directory up (at shutdown, after the store is closed); ending the process does the same. */
  release(): void
}

/** Another process holds the directory; the message names it and the holder's pid when the file has it. */
export class DataDirInUse extends StoreOpenError {
  constructor(
    path: string,
    readonly pid: number | null,
  ) {
    super(
      path,
      `${path} is in use by another hitring server${pid ? ` (pid ${pid})` : ''}; stop it first, or use another ` +
        `-data-path`,
    )
  }
}

/** Creates the directory when missing (0700), then locks it or throws {@link DataDirInUse} / {@link StoreOpenError}. */
export function lockDataDir(path: string): DataDirLock {
  makeDataDir(path)
  const file = join(path, LOCK_FILE)
  let fd: number
  try {
    fd = openSync(file, constants.O_RDWR | constants.O_CREAT, FILE_MODE)
  } catch (err) {
    throw storeOpenError(path, err, file)
  }
  try {
    if (!tryLock(fd)) throw new DataDirInUse(path, readPid(fd))
    ftruncateSync(fd)
    writeSync(fd, `${process.pid}\n`, 0)
  } catch (err) {
    closeSync(fd)
    throw storeOpenError(path, err, file)
  }
  let held = true
  return {
    release() {
      if (!held) return
      held = false
      // Emptied first: a server refused between the next holder's lock and its write then names no pid
      // rather than ours (after a kill -9 the old pid stays until that write: a window of microseconds).
      try {
        ftruncateSync(fd)
      } catch {
        // The store's file system failed (EIO, EROFS) or went away: the shutdown must still say what it
        // lost, and closing drops the lock all the same.
      }
      closeSync(fd) // closing the only descriptor of the open file description drops the lock
    },
  }
}

/**
 * The holder's pid as it wrote it; null when it is not there (yet) or cannot be read (Windows' locks are mandatory).
 */
function readPid(fd: number): number | null {
  try {
    const buf = Buffer.alloc(32)
    const n = readSync(fd, buf, 0, buf.length, 0)
    const pid = Number.parseInt(buf.toString('utf8', 0, n), 10)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}
