/**
 * The data directory on disk: made private (0700, files 0600: it holds password and token hashes and
 * the daily salt), and every way it can fail to open turned into one line naming the path and the cause
 * ({@link StoreOpenError}) instead of a stack trace.
 * @module
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { getSystemErrorMap } from 'node:util'
import { DATA_FILE } from './identity.js'

/** Modes of what hitring creates; LMDB's own default is 0664 (files) under the umask. */
export const DIR_MODE = 0o700
export const FILE_MODE = 0o600
/** The server's lock file in the data directory (./lock.ts). */
export const LOCK_FILE = 'hitring.lock'
/** The files of the data directory that are hitring's (LMDB's two and the server's lock file). */
export const OWN_FILES = [DATA_FILE, 'lock.mdb', LOCK_FILE]

/** The store cannot be opened (or is in use): `message` is the whole line an operator needs. */
export class StoreOpenError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message)
  }
}

/**
 * "read-only file system (EROFS)" for a Node system error (string `code`, negative `errno`) or an lmdb-js
 * one (positive errno as a number `code`); anything else (LMDB's own codes) by its message.
 */
export function describeCause(err: unknown): string {
  const e = err as { code?: unknown; errno?: unknown; message?: string }
  const errno = typeof e.errno === 'number' ? e.errno : typeof e.code === 'number' && e.code > 0 ? -e.code : undefined
  const known = errno === undefined ? undefined : getSystemErrorMap().get(errno)
  return known ? `${known[1]} (${known[0]})` : (e.message ?? String(err))
}

/**
 * `cannot open the store at <path>: <cause>`; `at` names what failed when it is not the directory itself:
 * a file in it by its name (`hitring.lock: permission denied (EACCES)`), a parent by its full path.
 */
export function storeOpenError(path: string, err: unknown, at?: string): StoreOpenError {
  if (err instanceof StoreOpenError) return err
  const dir = resolve(path)
  const where = !at || resolve(at) === dir ? '' : dirname(resolve(at)) === dir ? `${basename(at)}: ` : `${at}: `
  return new StoreOpenError(path, `cannot open the store at ${path}: ${where}${describeCause(err)}`)
}

/**
 * Creates the directory (and missing parents) with mode 0700, one level at a time so a failure names
 * the level and its real cause: Node's recursive mkdir reports ENOENT for a read-only parent, and never
 * returns for some paths (a missing working directory, below /proc).
 */
export function makeDataDir(path: string): void {
  const missing: string[] = []
  for (let p = resolve(path); ; p = dirname(p)) {
    let isDir: boolean
    try {
      isDir = statSync(p).isDirectory()
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(p) !== p) {
        missing.push(p)
        continue
      }
      throw storeOpenError(path, err, p)
    }
    if (!isDir)
      throw new StoreOpenError(
        path,
        `cannot open the store at ${path}: ${p === resolve(path) ? 'it' : p} is a file, not a directory`,
      )
    break
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir, { mode: DIR_MODE })
    } catch (err) {
      // Made a moment ago by another process (a CLI command and the server starting together)?
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(dir).isDirectory()) continue
      throw storeOpenError(path, err, dir)
    }
  }
}

export interface LooseMode {
  path: string
  /** Octal, as `ls -l` users read it: '0755'. */
  was: string
  /** Whether it is now 0700/0600 (false: not ours to change, e.g. owned by another user). */
  tightened: boolean
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`

/**
 * Takes group and other permissions off the directory and hitring's files in it (earlier versions left
 * them 0755/0644 under the usual umask). Returns what was loose, for the caller's warning.
 *
 * It changes them rather than only warning: a warning leaves every existing install's hashes and salt
 * readable until someone reads the log, and nothing of hitring needs another user to read them. What
 * it may not change (another user's files: EPERM) is only reported; files that are not hitring's are
 * left as they are (the 0700 directory already keeps other users out of them).
 */
export function tightenDataDir(path: string): LooseMode[] {
  const loose: LooseMode[] = []
  const entries: [string, number][] = [
    [resolve(path), DIR_MODE],
    ...OWN_FILES.map((f): [string, number] => [join(resolve(path), f), FILE_MODE]),
  ]
  for (const [p, mode] of entries) {
    let current: number
    try {
      current = statSync(p).mode
    } catch {
      continue // not there (yet): LMDB makes it with FILE_MODE
    }
    if ((current & 0o077) === 0) continue
    let tightened = true
    try {
      chmodSync(p, current & mode)
    } catch {
      tightened = false
    }
    loose.push({ path: p, was: octal(current), tightened })
  }
  return loose
}
