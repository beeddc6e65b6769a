/**
 * Runs one `hitring` command (dist/cli.js) as its own process and collects what it printed, with a
 * bound: a command still running then is killed and reported as `timedOut` (a `serve` that should have
 * refused to start, for instance).
 */
import { spawn, type SpawnOptions } from 'node:child_process'
import { CLI } from './server.js'
import { cliFor } from './runtime.js'

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
  timedOut: boolean
}

export interface CliOptions {
  timeoutMs?: number
  /** Run under `sh -c 'umask <umask>; exec node …'` (spawn has no umask option). */
  umask?: string
  uid?: number
  gid?: number
  input?: string
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const { timeoutMs = 15_000, umask, uid, gid, input } = options
  // Another user may not reach the checkout's files: then it runs a mirror of them (./runtime.ts).
  const cli = uid === undefined ? CLI : cliFor(uid, gid ?? uid)
  const [file, argv] =
    umask === undefined
      ? [process.execPath, [cli, ...args]]
      : ['/bin/sh', ['-c', `umask ${umask}; exec "$0" "$@"`, process.execPath, cli, ...args]]
  const spawnOptions: SpawnOptions = {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(uid === undefined ? {} : { uid }),
    ...(gid === undefined ? {} : { gid }),
  }
  const proc = spawn(file, argv, spawnOptions)
  let stdout = ''
  let stderr = ''
  proc.stdout!.on('data', (d) => (stdout += String(d)))
  proc.stderr!.on('data', (d) => (stderr += String(d)))
  proc.stdin!.end(input)
  return new Promise((resolve, reject) => {
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      proc.kill('SIGKILL')
    }, timeoutMs)
    proc.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    proc.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, timedOut })
    })
  })
}
