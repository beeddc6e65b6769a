/**
 * A store that cannot be opened stops `serve` and every CLI command with exit code 2 and ONE line naming
 * the path and the cause — never a stack trace: a read-only file system (a real read-only tmpfs mount,
 * empty or holding a store), a parent that cannot be created, a file where the directory should be, a
 * directory the process may not write (mode 0500; as root the child runs as `nobody`, since root
 * ignores permission bits).
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { tempDataDir } from './helpers/server.js'
import { runCli } from './helpers/cli.js'

const root = tempDataDir()
const mounts: string[] = []
afterAll(() => {
  for (const m of mounts.reverse()) execFileSync('umount', [m])
  root.remove()
})

/** A tmpfs at `dir`, `ro` or `rw`; a refused mount fails the suite with mount's own message (CI runs as root). */
function mountTmpfs(dir: string, mode: 'ro' | 'rw'): void {
  mkdirSync(dir, { recursive: true })
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `${mode},size=1m`, 'tmpfs', dir], { stdio: 'pipe' })
  } catch (err) {
    throw new Error(
      `cannot mount a tmpfs at ${dir} (these tests need root): ${(err as { stderr?: Buffer }).stderr ?? err}`,
    )
  }
  mounts.push(dir)
}

const PASSWORD_ARGS = ['--email', 'ro@example.test', '--password', 'a long enough password']
/** Every command that opens the store, with `path` as its -data-path. */
const COMMANDS = (path: string): string[][] => [
  ['serve', '-data-path', path, '-http-addr', '127.0.0.1:0'],
  ['site', 'add', 'ro.example', '-data-path', path],
  ['site', 'list', '-data-path', path],
  ['site', 'filters', 'ro.example', '--exclude-ips', '192.0.2.1', '-data-path', path],
  ['user', 'add', ...PASSWORD_ARGS, '-data-path', path],
  ['verify', '-data-path', path],
]

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

async function expectOneLine(
  args: string[],
  path: string,
  cause: RegExp,
  options: { uid?: number; gid?: number } = {},
): Promise<void> {
  const r = await runCli(args, { timeoutMs: 10_000, ...options })
  const what = `${args.slice(0, 2).join(' ')} → exit ${r.code}, stderr:\n${r.stderr}`
  expect(r.timedOut, what).toBe(false)
  expect(r.code, what).toBe(2)
  expect(r.stderr, what).toMatch(
    new RegExp(`^hitring: cannot open the store at ${escapeRegExp(path)}: ${cause.source}\\n$`),
  )
  expect(r.stdout, what).toBe('')
}

let empty: string
let holding: string
beforeAll(async () => {
  empty = join(root.path, 'ro-empty')
  mountTmpfs(empty, 'ro')
  // A store made while writable, then the file system turns read-only under it (a remount, a failing disk).
  holding = join(root.path, 'ro-store')
  mountTmpfs(holding, 'rw')
  const made = await runCli(['site', 'add', 'ro.example', '-data-path', holding])
  expect(made.code, made.stderr).toBe(0)
  execFileSync('mount', ['-o', 'remount,ro', holding])
})

test.each(
  COMMANDS('PATH').map((args) => [
    args
      .slice(0, 2)
      .filter((a) => !a.startsWith('-'))
      .join(' '),
    args,
  ]),
)(
  '%s on a read-only file system: one line, exit 2 (empty mount, a store on it, a directory to create in it)',
  async (_name, template) => {
    for (const path of [empty, holding, join(empty, 'sub', 'data')]) {
      await expectOneLine(
        template.map((a) => (a === 'PATH' ? path : a)),
        path,
        /(.+: )?read-only file system \(EROFS\)/,
      )
    }
  },
)

test('a file where the directory should be, or as a parent: one line naming it, exit 2', async () => {
  const file = join(root.path, 'a-file')
  writeFileSync(file, 'not a directory')
  for (const args of COMMANDS(file)) await expectOneLine(args, file, /it is a file, not a directory/)
  const below = join(file, 'data')
  for (const args of COMMANDS(below))
    await expectOneLine(args, below, new RegExp(`${escapeRegExp(file)} is a file, not a directory`))
})

test('a directory the process may not write (0500): one line with EACCES, exit 2', async () => {
  const asRoot = process.getuid?.() === 0
  const user = asRoot ? { uid: 65534, gid: 65534 } : {}
  const locked = join(root.path, 'locked')
  mkdirSync(locked, { mode: 0o500 })
  chmodSync(locked, 0o500)
  if (asRoot) {
    chownSync(locked, 65534, 65534)
    chmodSync(root.path, 0o711) // mkdtemp's 0700 would stop `nobody` before the directory under test
  }
  const probe = await runCli(['--help'], user)
  expect(probe.code, `the built CLI must be readable by uid ${user.uid ?? 'self'} for this test: ${probe.stderr}`).toBe(
    0,
  )
  for (const args of COMMANDS(locked))
    await expectOneLine(args, locked, /(hitring\.lock: )?permission denied \(EACCES\)/, user)
  const sub = join(locked, 'sub')
  for (const args of COMMANDS(sub)) await expectOneLine(args, sub, /permission denied \(EACCES\)/, user)
})
