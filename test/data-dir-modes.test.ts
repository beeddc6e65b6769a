/**
 * The store is private: password and token hashes and the daily salt are in it. A fresh data directory
 * is 0700 and its files (data.mdb, lock.mdb, hitring.lock) 0600 even under `umask 000`, whether the CLI
 * or the server made it; an existing one with looser modes is tightened at the server's start, with one
 * warning naming the paths and their old modes, and no warning on the next start; what is not the
 * server's to change (a directory of another user) is named in the warning as not tightened.
 */
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { startServer, tempDataDir } from './helpers/server.js'
import { runCli } from './helpers/cli.js'

const root = tempDataDir()
afterAll(() => root.remove())

const modeOf = (path: string) => `0${(statSync(path).mode & 0o777).toString(8)}`
const modes = (dir: string, files: string[]) =>
  Object.fromEntries([['.', modeOf(dir)], ...files.map((f) => [f, modeOf(join(dir, f))])])

/** The server's start with a permissive umask: spawn inherits this process's umask, restored at once. */
function startServerUnderUmask000(dataPath: string) {
  const previous = process.umask(0o000)
  try {
    return startServer(dataPath) // spawns synchronously, before its first await
  } finally {
    process.umask(previous)
  }
}

test('a store made by the CLI under umask 000: directory 0700 (a missing parent too), files 0600', async () => {
  const parent = join(root.path, 'by-cli')
  const data = join(parent, 'data')
  const r = await runCli(['site', 'add', 'modes.example', '-data-path', data], { umask: '000' })
  expect(r.code, r.stderr).toBe(0)
  expect(modes(data, ['data.mdb', 'lock.mdb'])).toEqual({ '.': '0700', 'data.mdb': '0600', 'lock.mdb': '0600' })
  expect(modeOf(parent)).toBe('0700')
})

test('a store made by the server under umask 000: directory 0700, files and lock file 0600, no warning', async () => {
  const data = join(root.path, 'by-server')
  const server = await startServerUnderUmask000(data)
  try {
    expect(modes(data, ['data.mdb', 'lock.mdb', 'hitring.lock'])).toEqual({
      '.': '0700',
      'data.mdb': '0600',
      'lock.mdb': '0600',
      'hitring.lock': '0600',
    })
    expect(server.logs.join('\n')).not.toMatch(/readable by other users/)
  } finally {
    await server.stop()
  }
})

test('a store with loose modes is tightened at start, a warning naming path and old mode; none next time', async () => {
  const data = join(root.path, 'loose')
  expect((await runCli(['site', 'add', 'loose.example', '-data-path', data])).code).toBe(0)
  writeFileSync(join(data, 'hitring.lock'), '')
  chmodSync(data, 0o755)
  chmodSync(join(data, 'data.mdb'), 0o644)
  chmodSync(join(data, 'lock.mdb'), 0o664)
  chmodSync(join(data, 'hitring.lock'), 0o640)
  writeFileSync(join(data, 'NOTES.txt'), 'not ours')
  chmodSync(join(data, 'NOTES.txt'), 0o644)

  const server = await startServer(data)
  const warnings = server.logs.flatMap((l) => l.split('\n')).filter((l) => l.includes('readable by other users'))
  await server.stop()
  expect(warnings).toHaveLength(1)
  const entry = JSON.parse(warnings[0]!)
  expect(entry.level).toBe(40)
  expect(entry.loose).toEqual([
    { path: data, was: '0755', tightened: true },
    { path: join(data, 'data.mdb'), was: '0644', tightened: true },
    { path: join(data, 'lock.mdb'), was: '0664', tightened: true },
    { path: join(data, 'hitring.lock'), was: '0640', tightened: true },
  ])
  expect(modes(data, ['data.mdb', 'lock.mdb', 'hitring.lock', 'NOTES.txt'])).toEqual({
    '.': '0700',
    'data.mdb': '0600',
    'lock.mdb': '0600',
    'hitring.lock': '0600',
    'NOTES.txt': '0644', // not hitring's: left alone (and unreadable to others through the 0700 directory)
  })

  const again = await startServer(data)
  await again.stop()
  expect(again.logs.join('\n')).not.toMatch(/readable by other users/)
})

test('a loose directory of another user: the server says it could not tighten it, and serves', async () => {
  if (process.getuid?.() !== 0) throw new Error('this test runs the server as nobody: run it as root (as CI does)')
  chmodSync(root.path, 0o711) // mkdtemp's 0700 would stop `nobody` before the directory under test
  const data = join(root.path, 'shared')
  mkdirSync(data)
  chmodSync(data, 0o777) // root's, writable by all: nobody may use it but not chmod it
  const server = await startServer(data, [], {}, { uid: 65534, gid: 65534 })
  try {
    const warnings = server.logs.flatMap((l) => l.split('\n')).filter((l) => l.includes('readable by other users'))
    expect(warnings).toHaveLength(1)
    const entry = JSON.parse(warnings[0]!)
    expect(entry.loose).toEqual([{ path: data, was: '0777', tightened: false }])
    expect(entry.msg).toMatch(/could not be tightened/)
    expect(modes(data, ['data.mdb', 'lock.mdb', 'hitring.lock'])).toEqual({
      '.': '0777',
      'data.mdb': '0600',
      'lock.mdb': '0600',
      'hitring.lock': '0600',
    })
  } finally {
    await server.stop()
  }
})
