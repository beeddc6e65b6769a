/**
 * The built CLI as another user can run it. Some tests run hitring as `nobody` (root ignores permission
 * bits, so only another user meets a directory it may not write). That user must be able to read the
 * checkout's dist/ and node_modules/, which it cannot when the checkout sits below a 0700 directory such as
 * /root — where CI may put it. Then the runtime is mirrored into a world-readable temporary directory:
 * hard links (no copying; a link is reached through its own path, not the checkout's), or a copy when the
 * two are on different file systems.
 */
import { spawnSync, execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const mirrors = new Map<string, string>()

function runs(cli: string, uid: number, gid: number): boolean {
  return spawnSync(process.execPath, [cli, '--help'], { uid, gid, stdio: 'ignore', timeout: 15_000 }).status === 0
}

/** A path of dist/cli.js that `uid` can run: the checkout's own, or a mirror made (once per process) for it. */
export function cliFor(uid: number, gid: number): string {
  const own = join(ROOT, 'dist/cli.js')
  const key = `${uid}:${gid}`
  const known = mirrors.get(key)
  if (known) return known
  if (runs(own, uid, gid)) {
    mirrors.set(key, own)
    return own
  }
  const dir = mkdtempSync(join(tmpdir(), 'hitring-runtime-'))
  chmodSync(dir, 0o755)
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  for (const entry of ['package.json', 'dist', 'node_modules']) {
    try {
      execFileSync('cp', ['-al', join(ROOT, entry), dir], { stdio: 'ignore' })
    } catch {
      execFileSync('cp', ['-a', join(ROOT, entry), dir], { stdio: 'ignore' })
    }
  }
  const mirrored = join(dir, 'dist/cli.js')
  if (!runs(mirrored, uid, gid)) {
    throw new Error(
      `uid ${uid} can run neither ${own} nor its mirror ${mirrored}: is ${process.execPath} executable by that user?`,
    )
  }
  mirrors.set(key, mirrored)
  return mirrored
}
