// Builds hk.js (tracker/index.ts) into dist/tracker/: hk.js, hk.js.gz (what the server sends to clients
// that accept gzip) and manifest.json ({ hash, bytes, gzipBytes, budgetGzipBytes }). Prints the sizes
// and fails — non-zero exit from `npm run build`, so `npm test` fails too — when over the gzip budget.
// Run alone (`node tracker/build.mjs`) or imported by esbuild.config.mjs.
import { build } from 'esbuild'
import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync, constants } from 'node:zlib'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Issue 5: the core must stay at or under 1,500 bytes gzipped (HitKeep's is ~2,985, Plausible's < 1 KB). */
export const GZIP_BUDGET_BYTES = 1500

/** The content hash in ETags and in the immutable URL `/hk.<hash>.js` (also computed by the server). */
export const contentHash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16)

export async function buildTracker({ outdir = join(ROOT, 'dist/tracker'), budget = GZIP_BUDGET_BYTES } = {}) {
  const result = await build({
    entryPoints: [join(ROOT, 'tracker/index.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    // Optional chaining and `??` stay as written (browsers since 2020); lowering them costs bytes.
    target: ['es2020'],
    // An IIFE needs no "use strict" prologue (tsconfig's strict would add one).
    tsconfigRaw: { compilerOptions: { alwaysStrict: false } },
    legalComments: 'none',
    write: false,
    logLevel: 'warning',
  })
  const code = Buffer.from(result.outputFiles[0].contents)
  const gzip = gzipSync(code, { level: constants.Z_BEST_COMPRESSION })
  const manifest = {
    file: 'hk.js',
    hash: contentHash(code),
    bytes: code.length,
    gzipBytes: gzip.length,
    budgetGzipBytes: budget,
  }
  await mkdir(outdir, { recursive: true })
  await Promise.all([
    writeFile(join(outdir, 'hk.js'), code),
    writeFile(join(outdir, 'hk.js.gz'), gzip),
    writeFile(join(outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`),
  ])
  const line =
    `hk.js: ${manifest.bytes} bytes, ${manifest.gzipBytes} bytes gzipped (budget ${budget}), ` + `hash ${manifest.hash}`
  if (manifest.gzipBytes > budget) {
    throw new Error(
      `${line}\nhk.js is ${manifest.gzipBytes - budget} bytes over its gzip budget: make it smaller (issue 5).`,
    )
  }
  console.log(line)
  return manifest
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildTracker().catch((err) => {
    console.error(err.message)
    process.exit(1)
  })
}
