/**
 * A private copy of dist/ for one bench run. Other people rebuild dist/ while a bench runs (`npm test`
 * builds first), and a server started after such a rebuild — or `hitring verify` run by a newer build on
 * data written by an older one — measures something else than what the run says. So the benches run
 * from a copy taken once, next to a `node_modules` symlink so packages still resolve, and print which
 * build that was (file hashes and the git state of src/ when the copy was taken).
 * @module
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** dist/ of the running bundle (dist/bench/<x>.js): the live one, or a copy when started from one. */
export const ownDist = fileURLToPath(new URL('..', import.meta.url))

/**
 * The dist/ to run from: BENCH_DIST when a parent already made a copy, else a fresh copy (removed at
 * exit). `BENCH_NO_SNAPSHOT=1` runs from the live dist/.
 */
export function benchDist(): string {
  if (process.env.BENCH_DIST) return process.env.BENCH_DIST
  if (process.env.BENCH_NO_SNAPSHOT === '1') return ownDist
  const root = mkdtempSync(join(tmpdir(), 'hitring-bench-dist-'))
  process.on('exit', () => rmSync(root, { recursive: true, force: true }))
  const dist = join(root, 'dist')
  cpSync(ownDist, dist, { recursive: true })
  symlinkSync(join(ownDist, '..', 'node_modules'), join(root, 'node_modules'), 'dir')
  // The server finds its referrer-spam list next to the package.json above it (src/enrich/spam.ts): without
  // these two files the copy runs with spam filtering off (and warns so at start).
  for (const file of ['package.json', 'src/enrich/data/referrer-spam.txt'])
    cpSync(join(ownDist, '..', file), join(root, file))
  process.env.BENCH_DIST = dist // children inherit it
  process.env.BENCH_BUILD = describeBuild(dist)
  return dist
}

/** "cli.js 1a2b…, workers/drain.js 3c4d…; git 0f54bd5 + 7 files modified in src/" */
export function describeBuild(dist: string): string {
  const hash = (f: string) =>
    existsSync(join(dist, f))
      ? createHash('sha256')
          .update(readFileSync(join(dist, f)))
          .digest('hex')
          .slice(0, 10)
      : 'missing'
  let git = 'git state unknown'
  try {
    // stdio: git's own complaint ("not a git repository", from a copy) must not clutter the bench output.
    const opts = {
      cwd: join(ownDist, '..'),
      encoding: 'utf8' as const,
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'],
    }
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], opts).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'workers'], opts)
      .split('\n')
      .filter(Boolean).length
    git = `git ${head}${dirty ? ` + ${dirty} uncommitted change(s) in src/ workers/` : ', src/ clean'}`
  } catch {
    // not a git checkout: the hashes still identify the build
  }
  return `cli.js ${hash('cli.js')}, workers/drain.js ${hash('workers/drain.js')}; ${git} (when copied)`
}
