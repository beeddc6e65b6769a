// Builds the dashboard (src/dashboard/main.ts and the CSS it imports, uPlot included) into dist/dashboard/:
//   assets/app.<hash>.js, assets/app.<hash>.css   minified, content-hashed (served immutable), each with a .gz
//   index.html                                     the shell; {{BASE}}, {{PUBLIC_URL}}, {{SETUP}}, {{SESSION}} are
//                                                  filled per request
//   manifest.json                                  names, sizes and the CSP hash of the shell's inline theme script
// Prints the sizes and fails — so `npm run build` and `npm test` fail — above the gzip budget.
// Run alone (`node src/dashboard/build.mjs`) or imported by esbuild.config.mjs.
import { build } from 'esbuild'
import { createHash } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync, constants } from 'node:zlib'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = resolve(HERE, '../..')

/** JS + CSS, gzipped. uPlot is about 22 KB of it. */
export const DASHBOARD_GZIP_BUDGET = 75_000

/** Applies a theme picked in the app before the first paint (no flash of the light theme). */
export const THEME_SCRIPT =
  'try{var t=localStorage.getItem("hitring-theme");' +
  'if(t==="light"||t==="dark")document.documentElement.setAttribute("data-theme",t)}catch(e){}'

const hash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16)
const gzip = (bytes) => gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION })

export async function buildDashboard({ outdir = join(ROOT, 'dist/dashboard'), budget = DASHBOARD_GZIP_BUDGET } = {}) {
  const result = await build({
    entryPoints: { app: join(HERE, 'main.ts') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020', 'chrome92', 'firefox90', 'safari15'],
    outdir: join(outdir, 'assets'),
    write: false,
    legalComments: 'none',
    // uPlot's notice is a plain comment, which minification drops: keep it (MIT).
    banner: { js: '/*! uPlot 1.6.32 (c) 2025 Leon Sorokin, MIT License, https://github.com/leeoniya/uPlot */' },
    logLevel: 'warning',
  })
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'))
  const css = result.outputFiles.find((f) => f.path.endsWith('.css'))
  if (!js || !css) throw new Error('dashboard build: esbuild gave no app.js or app.css')
  const files = [
    { kind: 'js', bytes: Buffer.from(js.contents) },
    { kind: 'css', bytes: Buffer.from(css.contents) },
  ].map((f) => ({ ...f, name: `app.${hash(f.bytes)}.${f.kind}`, gz: gzip(f.bytes) }))
  const [jsFile, cssFile] = files

  const template = await readFile(join(HERE, 'index.html'), 'utf8')
  const html = template
    .replace('{{JS}}', jsFile.name)
    .replace('{{CSS}}', cssFile.name)
    .replace('{{THEME_SCRIPT}}', THEME_SCRIPT)
  const manifest = {
    js: jsFile.name,
    css: cssFile.name,
    themeScriptSha256: createHash('sha256').update(THEME_SCRIPT).digest('base64'),
    bytes: { js: jsFile.bytes.length, jsGzip: jsFile.gz.length, css: cssFile.bytes.length, cssGzip: cssFile.gz.length },
    budgetGzipBytes: budget,
  }

  // Old hashed files would pile up: the assets folder holds this build only.
  await rm(join(outdir, 'assets'), { recursive: true, force: true })
  await mkdir(join(outdir, 'assets'), { recursive: true })
  await Promise.all([
    ...files.flatMap((f) => [
      writeFile(join(outdir, 'assets', f.name), f.bytes),
      writeFile(join(outdir, 'assets', `${f.name}.gz`), f.gz),
    ]),
    writeFile(join(outdir, 'index.html'), html),
    writeFile(join(outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`),
  ])
  const total = jsFile.gz.length + cssFile.gz.length
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`
  const line =
    `dashboard: ${jsFile.name} ${kb(jsFile.bytes.length)} (${kb(jsFile.gz.length)} gzipped), ` +
    `${cssFile.name} ${kb(cssFile.bytes.length)} (${kb(cssFile.gz.length)} gzipped); ${kb(total)} gzipped in all ` +
    `(budget ${kb(budget)})`
  if (total > budget)
    throw new Error(`${line}\nThe dashboard is ${total - budget} bytes over its gzip budget: make it smaller.`)
  console.log(line)
  return manifest
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildDashboard().catch((err) => {
    console.error(err.message)
    process.exit(1)
  })
}
