/**
 * One server per data directory: a second `serve` on the same -data-path stops at once with one line
 * naming the path and the first server's pid (before LMDB or the port: here it asks for the first
 * server's very port), and the first one goes on serving with rollups equal to a recount. The lock is
 * the kernel's, so a server killed with SIGKILL leaves nothing that blocks the next start — not even a
 * lock file naming a live process.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { addSite, startServer, tempDataDir, waitFor, type ServerProcess } from './helpers/server.js'
import { send } from './helpers/http.js'
import { storedEventCount } from './helpers/store.js'
import { runCli } from './helpers/cli.js'

const servers: ServerProcess[] = []
const dirs: Array<{ remove(): void }> = []
afterAll(async () => {
  for (const s of servers) await s.stop('SIGKILL').catch(() => undefined)
  for (const d of dirs) d.remove()
})

const ingest = (server: ServerProcess, siteId: string, name: string) =>
  send(`${server.url}/ingest/event`, {
    body: JSON.stringify({ site_id: siteId, name, url: 'https://lock.example/' }),
    headers: { 'Content-Type': 'application/json' },
  })

/** A second `serve` on `dataPath`, on the port of the one running: it must never get as far as binding it. */
async function expectRefused(dataPath: string, holder: ServerProcess): Promise<void> {
  const r = await runCli(['serve', '-data-path', dataPath, '-http-addr', `127.0.0.1:${holder.port}`], {
    timeoutMs: 10_000,
  })
  expect(r.timedOut, `the second server is still running:\n${r.stdout}${r.stderr}`).toBe(false)
  expect(r.code).toBe(2)
  expect(r.stderr).toBe(
    `hitring: ${dataPath} is in use by another hitring server (pid ${holder.proc.pid}); stop it first, or use ` +
      `another -data-path\n`,
  )
  expect(r.stdout).toBe('') // no log line: it never started
}

test('a 2nd serve on the directory exits 2 at once naming the 1st pid; the 1st serves on, 0 mismatches', async () => {
  const dir = tempDataDir()
  dirs.push(dir)
  const siteId = addSite(dir.path, 'lock.example')
  const first = await startServer(dir.path)
  servers.push(first)
  expect((await ingest(first, siteId, 'before')).status).toBe(202)

  await expectRefused(dir.path, first)

  expect((await ingest(first, siteId, 'after')).status).toBe(202)
  await waitFor(() => storedEventCount(dir.path) === 2, 5000, 'both events stored')
  const ready = await send(`${first.url}/readyz`, { method: 'GET' })
  expect(ready.status).toBe(200)
  // `verify` only reads: allowed while the server runs.
  const verify = await runCli(['verify', '-data-path', dir.path])
  expect(verify.code, verify.stderr).toBe(0)
  expect(JSON.parse(verify.stdout)).toMatchObject({ events: 2, mismatches: 0 })
  expect(await first.stop()).toBe(0)
})

test('after kill -9 a new server starts on the directory without clean-up and holds the lock in turn', async () => {
  const dir = tempDataDir()
  dirs.push(dir)
  const siteId = addSite(dir.path, 'lock.example')
  const killed = await startServer(dir.path)
  servers.push(killed)
  const exited = new Promise((r) => killed.proc.once('exit', r))
  killed.proc.kill('SIGKILL')
  await exited
  // The lock file now names a live process (this one): a pid file with a liveness check would refuse here.
  writeFileSync(join(dir.path, 'hitring.lock'), `${process.pid}\n`)

  const next = await startServer(dir.path)
  servers.push(next)
  expect((await ingest(next, siteId, 'after-restart')).status).toBe(202)
  await waitFor(() => storedEventCount(dir.path) === 1, 5000, 'the event stored')
  await expectRefused(dir.path, next)
  expect(await next.stop()).toBe(0)

  // A clean stop releases it too.
  const third = await startServer(dir.path)
  servers.push(third)
  expect(await third.stop()).toBe(0)
})
