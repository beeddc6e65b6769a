/**
 * `npm run bench`: the micro benchmarks (limiter, ring, validation, commit), then the end-to-end load
 * (e2e), each as its own `node dist/bench/<x>.js` child so one cannot warm or pollute another; output is
 * streamed as it comes. Env knobs are passed through (see bench/README.md). BENCH_ONLY=commit,e2e runs
 * a subset. Exits non-zero when any of them failed or ran past its time bound.
 * @module
 */
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { benchDist } from './lib/snapshot.js'

// Run every bench from one private copy of dist/: others rebuild dist/ meanwhile (see lib/snapshot.ts).
const here = join(benchDist(), 'bench')
console.log(`build under test: ${process.env.BENCH_BUILD ?? 'live dist/ (BENCH_NO_SNAPSHOT=1)'}`)
const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const runs = Number(process.env.BENCH_RUNS ?? 3)
const all = [
  { name: 'limiter.bench', timeoutS: 300 },
  { name: 'ring.bench', timeoutS: 300 },
  { name: 'validation.bench', timeoutS: 300 },
  { name: 'commit.bench', timeoutS: 300 },
  { name: 'batch', timeoutS: 900 },
  // e2e bounds itself; this is the backstop: 3 targets × runs × (load + warm-up + start/stop/verify) + profile.
  { name: 'e2e', timeoutS: (3 * runs + 1) * (seconds + 120) + 120 },
]
// BENCH_ONLY=commit,e2e picks by name prefix among every bundled bench (other *.bench.js included).
const present = readdirSync(here)
  .filter((f) => f.endsWith('.js') && (f.includes('.bench.') || all.some((b) => `${b.name}.js` === f)))
  .map((f) => f.slice(0, -3))
const only = process.env.BENCH_ONLY?.split(',')
const chosen = only
  ? present
      .filter((n) => only.some((o) => n.startsWith(o)))
      .sort((a, b) => Number(a === 'e2e') - Number(b === 'e2e')) // the load test last
      .map((name) => all.find((b) => b.name === name) ?? { name, timeoutS: 600 })
  : all
const others = present.filter((n) => !all.some((b) => b.name === n))

function run(name: string, timeoutS: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, `${name}.js`)], { stdio: 'inherit' })
    const timer = setTimeout(() => {
      console.error(`run-all: ${name} ran past ${timeoutS} s; killing it (pid ${child.pid})`)
      child.kill('SIGKILL')
    }, timeoutS * 1000)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve(signal ? null : code)
    })
  })
}

const summary: string[] = []
for (const { name, timeoutS } of chosen) {
  console.log(`\n=== ${name} (node ${process.version}) ===`)
  const started = performance.now()
  const code = await run(name, timeoutS)
  const took = ((performance.now() - started) / 1000).toFixed(1)
  summary.push(`${name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${took} s`)
}
console.log(`\n=== summary ===\n${summary.join('\n')}`)
if (!only && others.length) console.log(`not run by default (BENCH_ONLY=<name> runs them): ${others.join(', ')}`)
process.exitCode = summary.some((s) => s.includes('FAILED')) ? 1 : 0
