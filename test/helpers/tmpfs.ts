/**
 * A small real file system for fault tests: a tmpfs mounted on a temporary directory, that can be filled
 * up and then given more room (`resize`) while a server writes to it. Needs root (CI runs as root). A
 * refused mount FAILS the test with the reason — a fault test that skips itself silently proves nothing.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Tmpfs {
  path: string
  /** Changes the size in place (`mount -o remount,size=…`): files stay, the free space changes. */
  resize(bytes: number): void
  remove(): void
}

function run(args: string[]): void {
  try {
    execFileSync(args[0]!, args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim()
    throw new Error(
      `${args.join(' ')} failed: ${stderr || (err as Error).message} (the fault tests need root to mount a tmpfs; ` +
        `CI runs as root)`,
    )
  }
}

export function mountTmpfs(bytes: number, options = ''): Tmpfs {
  const path = mkdtempSync(join(tmpdir(), 'hitring-tmpfs-'))
  try {
    run(['mount', '-t', 'tmpfs', '-o', `size=${bytes}${options ? `,${options}` : ''}`, 'tmpfs', path])
  } catch (err) {
    rmSync(path, { recursive: true, force: true })
    throw err
  }
  return {
    path,
    resize: (size) => run(['mount', '-o', `remount,size=${size}`, path]),
    remove() {
      // Lazy: a server killed a moment ago may still hold its files open.
      try {
        run(['umount', '-l', path])
      } finally {
        rmSync(path, { recursive: true, force: true })
      }
    },
  }
}
