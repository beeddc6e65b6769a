/**
 * Runs the real, built hitring server (dist/cli.js — what `npm start` runs) as a child process on a
 * loopback port with its own temporary LMDB directory.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { afterAll } from 'vitest'
import { cliFor } from './runtime.js'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const CLI = join(ROOT, 'dist/cli.js')

/**
 * The file's cleanups, run after all its tests, last registered first. Register each one right after
 * making what it removes (a server, a browser, a temp dir), so a failing set-up still cleans up.
 */
export function cleanupsAfterAll(): (() => unknown)[] {
  const cleanups: (() => unknown)[] = []
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  })
  return cleanups
}

export function tempDataDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'hitring-test-'))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

/** `hitring site add` in a separate process, as a user would; returns the site id. */
export function addSite(dataPath: string, domain: string, extra: string[] = []): string {
  return execFileSync(process.execPath, [CLI, 'site', 'add', domain, '-data-path', dataPath, ...extra], {
    encoding: 'utf8',
  }).trim()
}

/** `hitring site filters` in a separate process, as a user would; `flags`: `--exclude-ips`, `--allowed-hostnames`. */
export function setSiteFilters(dataPath: string, domain: string, flags: string[]): void {
  execFileSync(process.execPath, [CLI, 'site', 'filters', domain, ...flags, '-data-path', dataPath])
}

export interface ServerProcess {
  port: number
  url: string
  proc: ChildProcess
  logs: string[]
  /** Sends a signal and waits (bounded) for the exit code. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>
}

/** The servers started here, by URL, for {@link setupToken}. */
const running = new Map<string, ServerProcess>()

/**
 * The one-time set-up token (for `POST /api/initial-user`) that the server at `url`, started by
 * {@link startServer}, printed in its start-up log (`dashboard: …/setup?token=…`).
 */
export async function setupToken(url: string): Promise<string> {
  const server = running.get(url)
  if (!server) throw new Error(`no server started by startServer answers at ${url}`)
  let token: string | undefined
  const find = () => (token = /\/setup\?token=([\w-]+)/.exec(server.logs.join('\n'))?.[1]) !== undefined
  await waitFor(find, 5000, `the set-up link in the start-up log of ${url}`)
  return token!
}

/** `as`: run the server as another user (the test runs as root). */
export async function startServer(
  dataPath: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
  as: { uid?: number; gid?: number } = {},
): Promise<ServerProcess> {
  // Another user may not reach the checkout's files: then it runs a mirror of them (./runtime.ts).
  const cli = as.uid === undefined ? CLI : cliFor(as.uid, as.gid ?? as.uid)
  const proc = spawn(process.execPath, [cli, 'serve', '-data-path', dataPath, '-http-addr', '127.0.0.1:0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...as,
  })
  const logs: string[] = []
  proc.stderr!.on('data', (d) => logs.push(String(d)))
  const exited = new Promise<number | null>((resolveExit) => proc.once('exit', (code) => resolveExit(code)))
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 15 s:\n${logs.join('')}`)), 15_000)
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      logs.push(line)
      try {
        const entry = JSON.parse(line) as { port?: number }
        if (typeof entry.port === 'number') {
          clearTimeout(timer)
          resolvePort(entry.port)
        }
      } catch {
        // not a JSON log line
      }
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before listening:\n${logs.join('\n')}`))
    })
  })
  const server: ServerProcess = {
    port,
    url: `http://127.0.0.1:${port}`,
    proc,
    logs,
    async stop(signal = 'SIGTERM', timeoutMs = 20_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode
      proc.kill(signal)
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs))
      const code = await Promise.race([exited, timeout])
      if (code === 'timeout') {
        proc.kill('SIGKILL')
        throw new Error(`server did not exit within ${timeoutMs} ms after ${signal}`)
      }
      return code
    },
  }
  running.set(server.url, server)
  void exited.then(() => running.get(server.url) === server && running.delete(server.url))
  return server
}

/** Polls `check` until it returns true or `timeoutMs` passes (for effects that are asynchronous by design). */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
