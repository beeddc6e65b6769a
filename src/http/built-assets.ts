/**
 * Where `npm run build` put a browser bundle (hk.js, the dashboard): the nearest ancestor of this module
 * holding `dist/<what>/<file>` — the package root from the bundle (`dist/cli.js`) and from `src/http/`
 * (vitest), or a copy of dist/ (the benchmarks run one). Start-up only: synchronous file checks.
 * @module
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export function findBuiltDir(distDir: string, marker: string, what: string): string {
  const here = fileURLToPath(import.meta.url)
  let dir = dirname(here)
  for (let i = 0; i < 12; i++) {
    if (existsSync(join(dir, distDir, marker))) return join(dir, distDir)
    const up = dirname(dir)
    if (up === dir) break
    dir = up
  }
  throw new Error(`hitring: ${what} is not built (no ${distDir}/${marker} above ${here}): run npm run build`)
}
