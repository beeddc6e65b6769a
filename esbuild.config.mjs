// Builds everything Node runs into dist/: the CLI/server, the Piscina drain worker, the benchmarks and the
// worker fixtures the thread tests start. Native addons (uWebSockets.js, lmdb) and other packages stay
// external: bundling breaks their `require('./x.node')` (https://github.com/evanw/esbuild/issues/2846).
import { build } from 'esbuild'
import { readdirSync, existsSync } from 'node:fs'
import { buildTracker } from './tracker/build.mjs'
import { buildDashboard } from './src/dashboard/build.mjs'

const list = (dir, re) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => re.test(f))
        .map((f) => `${dir}/${f}`)
    : []

const entryPoints = {
  cli: 'src/cli/main.ts',
  'workers/drain': 'workers/drain.ts',
}
for (const f of list('test/fixtures', /\.ts$/)) entryPoints[`test-fixtures/${f.slice(14, -3)}`] = f
for (const f of list('bench', /\.ts$/)) entryPoints[`bench/${f.slice(6, -3)}`] = f

await build({
  entryPoints,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  // ESM output still needs require() for the native uWebSockets.js binary.
  banner: {
    js:
      "import { createRequire as __hitringCreateRequire } from 'node:module'; const require = " +
      '__hitringCreateRequire(import.meta.url);',
  },
})

// hk.js (tracker/): its own browser bundle, size-checked; over the gzip budget this throws and the build fails.
await buildTracker()
// The dashboard (src/dashboard/): its own browser bundle, size-checked the same way.
await buildDashboard()
