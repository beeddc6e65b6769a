/**
 * End-to-end load: floor-uws (bare uWS answering 202), floor-parse (the same plus the work no ingest
 * endpoint can skip: client address, headers, JSON.parse, CORS answer), floor-node (bare node:http) and
 * hitring, each a child process on 127.0.0.1, driven with the seed `POST /ingest/event` body by wrk (Node fallback when
 * wrk is missing), runs interleaved, medians reported. See bench/README.md for what every figure means.
 *
 *   node esbuild.config.mjs && node dist/bench/e2e.js
 *   env: BENCH_SECONDS (10) BENCH_RUNS (3) BENCH_WORKERS (server default) BENCH_CONNECTIONS (64)
 *        BENCH_WARMUP (2 s) BENCH_LOADGEN=node (force the fallback)
 *        BENCH_TARGETS (floor-uws,floor-parse,floor-node,hitring)
 *        BENCH_CLIENTS (20000 client addresses in X-Forwarded-For; 1 = all from 127.0.0.1)
 *        BENCH_PROFILE=1 (one extra hitring run under `node --cpu-prof`, top self-time functions printed;
 *        BENCH_PROFILE_DIR=dir keeps the .cpuprofile files)
 * @module
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { haveWrk, runLoad, type LoadResult } from './lib/load.js'
import {
  cpuDelta,
  cpuTimes,
  killAll,
  machineTicks,
  median,
  peakRssBytes,
  startTarget,
  stopTarget,
  type Target,
} from './lib/proc.js'
import { benchDist, describeBuild } from './lib/snapshot.js'
import { accepted, diskStats, stored, troubles, verify, waitStored, type DiskStats } from './lib/hitring.js'
import { summariseProfiles } from './lib/profile.js'

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d)
const SECONDS = env('BENCH_SECONDS', 10)
const RUNS = env('BENCH_RUNS', 3)
const CONNS = env('BENCH_CONNECTIONS', 64)
const WARMUP = env('BENCH_WARMUP', 2)
const WORKERS = process.env.BENCH_WORKERS ?? ''
const PROFILE = process.env.BENCH_PROFILE === '1'
const TARGETS = (process.env.BENCH_TARGETS ?? 'floor-uws,floor-parse,floor-node,hitring').split(',')
const WRK = haveWrk()
const CORES = availableParallelism()
const DIST = benchDist() // a private copy of dist/, see lib/snapshot.ts
const CLI = join(DIST, 'cli.js')
const seed = (siteId: string) =>
  JSON.stringify({
    site_id: siteId,
    name: 'purchase',
    url: 'https://example.com/checkout/success',
    referrer: '',
    props: { plan: 'pro', amount: '49' },
  })

const tmpDirs: string[] = []
const cleanup = () => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true })
}
process.on('exit', () => {
  killAll()
  cleanup()
})
const measurements = RUNS * TARGETS.length + (PROFILE ? 1 : 0)
const deadline = setTimeout(
  () => {
    console.error(`e2e: exceeded its time bound; killing the processes it started`)
    killAll()
    process.exit(2)
  },
  (measurements * (SECONDS + WARMUP + 100) + 60) * 1000,
)
deadline.unref()

interface Row {
  target: string
  load: LoadResult
  cpuPerReqUs: number
  /** The same split: user, system, and the main (HTTP) thread alone. */
  userUs: number
  sysUs: number
  mainUs: number
  rssMiB: number
  /**
   * Busy cores during the load window: the whole machine, and the server process. The rest is wrk and anything else.
   */
  cores?: { machine: number; server: number }
  acceptedPerS?: number
  committedPerS?: number
  drainTailMs?: number
  storedTotal?: number
  /** Events per drain task (LMDB transaction), mean over the measured window. */
  perTask?: number
  disk?: DiskStats & { events: number }
  notes: string[]
}

async function measure(name: string, profileDir?: string): Promise<Row> {
  const tmp = mkdtempSync(join(tmpdir(), 'hitring-bench-'))
  tmpDirs.push(tmp)
  const notes: string[] = []
  let body = seed('00000000-0000-4000-8000-000000000000')
  let t: Target
  if (name === 'hitring') {
    const dataDir = join(tmp, 'data') // no dot in the last component: lmdb-js would take it for a file name
    const siteId = execFileSync(process.execPath, [CLI, 'site', 'add', 'example.com', '-data-path', dataDir], {
      encoding: 'utf8',
      timeout: 30_000,
    }).trim()
    body = seed(siteId)
    const args = [
      'serve',
      '-data-path',
      dataDir,
      '-http-addr',
      '127.0.0.1:0',
      '-ingest-rate',
      '1000000000',
      '-ingest-burst',
      '1000000',
      '-trusted-proxies',
      '127.0.0.1/32',
    ]
    if (WORKERS) args.push('-workers', WORKERS)
    const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []
    t = await startTarget(CLI, args, { nodeArgs })
  } else t = await startTarget(join(DIST, 'bench', `${name}.js`), ['0'])
  const url = `http://127.0.0.1:${t.port}/ingest/event`
  try {
    if (WARMUP > 0) await runLoad(url, body, WARMUP, CONNS, tmp, WRK)
    const m0 = name === 'hitring' ? (await waitStored(t.port, 30_000)).m : null
    const cpu0 = cpuTimes(t.pid)
    const mach0 = machineTicks()
    const t0 = performance.now()
    const load = await runLoad(url, body, SECONDS, CONNS, tmp, WRK)
    const mach1 = machineTicks()
    const serverCores = (cpuTimes(t.pid).total - cpu0.total) / load.seconds
    const row: Row = { target: name, load, cpuPerReqUs: NaN, userUs: NaN, sysUs: NaN, mainUs: NaN, rssMiB: NaN, notes }
    const cpuPer = (n: number) => {
      const d = cpuDelta(cpu0, cpuTimes(t.pid))
      Object.assign(row, {
        cpuPerReqUs: (d.total / n) * 1e6,
        userUs: (d.user / n) * 1e6,
        sysUs: (d.sys / n) * 1e6,
        mainUs: (d.main / n) * 1e6,
      })
    }
    row.cores = { machine: ((mach1.busy - mach0.busy) / (mach1.total - mach0.total)) * CORES, server: serverCores }
    if (load.non2xx || load.errors) notes.push(`${load.non2xx} non-2xx, ${load.errors} socket errors`)
    if (m0) {
      const loadEnd = performance.now()
      const { m, at } = await waitStored(t.port, 30_000)
      const events = stored(m) - stored(m0)
      row.storedTotal = stored(m)
      row.perTask = events / ((m.get('hitring_drain_tasks_total') ?? 0) - (m0.get('hitring_drain_tasks_total') ?? 0))
      if (at === null) notes.push(`NOT ALL STORED after 30 s: accepted ${accepted(m)}, stored ${stored(m)}`)
      cpuPer(events)
      row.acceptedPerS = (accepted(m) - accepted(m0)) / load.seconds
      row.committedPerS = events / (((at ?? performance.now()) - t0) / 1000)
      row.drainTailMs = (at ?? performance.now()) - loadEnd
      notes.push(...troubles(m))
    } else cpuPer(load.requests)
    row.rssMiB = peakRssBytes(t.pid) / 2 ** 20
    const code = await stopTarget(t)
    if (code !== 0) notes.push(`exit code ${code} after SIGTERM`)
    if (t.errorLines > 0) notes.push(`${t.errorLines} error log lines; last: ${t.tail.slice(-3).join(' | ')}`)
    if (name === 'hitring') {
      const dataDir = join(tmp, 'data')
      const v = await verify(CLI, dataDir)
      if ('error' in v) notes.push(`verify failed: ${v.error}`)
      else if (v.mismatches > 0) notes.push(`verify: ${v.mismatches} rollup mismatches`)
      else if (v.events !== row.storedTotal)
        notes.push(`verify counts ${v.events} events, /metrics said ${row.storedTotal} stored`)
      row.disk = { ...(await diskStats(dataDir)), events: 'events' in v ? v.events : NaN }
    }
    return row
  } finally {
    if (t.child.exitCode === null) await stopTarget(t, 5000)
    rmSync(tmp, { recursive: true, force: true })
  }
}

const f = (x: number | undefined, d = 0) =>
  x === undefined || !Number.isFinite(x)
    ? '–'
    : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })

function rowLine(label: string, rs: Row[]): string {
  const md = (g: (r: Row) => number | undefined) => median(rs.map((r) => g(r) ?? NaN))
  const disk = rs[0]!.disk
    ? `${f(md((r) => r.disk!.fileBytes / r.disk!.events))} / ${f(md((r) => r.disk!.usedBytes / r.disk!.events))} ` +
      `/ ${f(md((r) => r.disk!.eventsBytes / r.disk!.events))}`
    : '–'
  return (
    `| ${label} | ${f(md((r) => r.load.rps))} | ${f(md((r) => r.acceptedPerS))} | ` +
    `${f(md((r) => r.committedPerS))} | ${f(
      md((r) => r.cpuPerReqUs),
      1,
    )} | ` +
    `${f(
      md((r) => r.userUs),
      1,
    )} / ${f(
      md((r) => r.sysUs),
      1,
    )} / ${f(
      md((r) => r.mainUs),
      1,
    )} | ` +
    `${f(
      md((r) => r.load.p50ms),
      2,
    )} | ${f(
      md((r) => r.load.p99ms),
      2,
    )} | ${f(
      md((r) => r.rssMiB),
      0,
    )} | ${disk} | ${f(md((r) => r.perTask))} | ${f(md((r) => r.drainTailMs))} |`
  )
}

console.log(
  `e2e: ${
    WRK
      ? `wrk -t1 -c${CONNS} -d${SECONDS}s --latency`
      : `Node keep-alive fallback, ${CONNS} connections, ` + `${SECONDS}s`
  }; ` +
    `${RUNS} runs interleaved; warm-up ${WARMUP}s; hitring workers: ${WORKERS || 'default'}; node ` +
    `${process.version}\n` +
    `build under test: ${process.env.BENCH_BUILD ?? describeBuild(DIST)}`,
)
const rows = new Map<string, Row[]>(TARGETS.map((t) => [t, []]))
let failed = false
for (let run = 1; run <= RUNS; run++) {
  for (const name of TARGETS) {
    try {
      const r = await measure(name)
      rows.get(name)!.push(r)
      console.log(
        `run ${run} ${name}: ${f(r.load.rps)} req/s, ` +
          (r.committedPerS !== undefined ? `${f(r.committedPerS)} committed/s (${f(r.perTask)} events/task), ` : '') +
          `${f(r.cpuPerReqUs, 1)} µs CPU/${name === 'hitring' ? 'event' : 'req'}, p50 ${f(r.load.p50ms, 2)} ms, ` +
          `p99 ${f(r.load.p99ms, 2)} ms, ` +
          `RSS ${f(r.rssMiB)} MiB; busy cores: machine ${f(r.cores?.machine, 2)}/${CORES}, server ` +
          `${f(r.cores?.server, 2)}${r.notes.length ? ` — ${r.notes.join('; ')}` : ''}`,
      )
      if (r.notes.some((n) => /NOT ALL|exit code|verify|non-2xx/.test(n))) failed = true
    } catch (err) {
      failed = true
      console.error(`run ${run} ${name}: FAILED: ${(err as Error).message}`)
    }
  }
}

const labels: Record<string, string> = {
  'floor-uws': 'floor: bare uWS 202',
  'floor-parse': 'uWS + address, headers, JSON.parse, CORS 202',
  'floor-node': 'bare node:http 202',
  hitring: 'hitring',
}
console.log(
  `\n| target | req/s (${WRK ? 'wrk' : 'node'}) | accepted/s | committed/s | CPU µs per req/event | of which user ` +
    `/ sys / main thread (µs) | p50 ms | p99 ms | peak RSS MiB | bytes/event (file / used pages / events db) | ` +
    `events/drain task | drain tail ms |`,
)
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for (const [name, rs] of rows) if (rs.length) console.log(rowLine(labels[name] ?? name, rs))

const md = (name: string, g: (r: Row) => number | undefined) => median((rows.get(name) ?? []).map((r) => g(r) ?? NaN))
const ours = { tput: md('hitring', (r) => r.committedPerS), cpu: md('hitring', (r) => r.cpuPerReqUs) }
for (const [name, label] of [
  ['floor-uws', 'floor (bare uWS)'],
  ['floor-parse', 'parse floor'],
  ['floor-node', 'node:http'],
] as const) {
  const base = { tput: md(name, (r) => r.load.rps), cpu: md(name, (r) => r.cpuPerReqUs) }
  if (!Number.isFinite(ours.tput) || !Number.isFinite(base.tput)) continue
  const target = name === 'floor-uws' ? ' (target ≥ 0.80 | ≤ 1.25)' : ''
  console.log(
    `ours/${label}: throughput (committed/s ÷ req/s) ${f(ours.tput / base.tput, 2)}, CPU per event ÷ per request ` +
      `${f(ours.cpu / base.cpu, 2)}${target}`,
  )
}
// The ceiling the stack itself sets: the unavoidable work alone, before any event is validated or stored.
const floor = { tput: md('floor-uws', (r) => r.load.rps), cpu: md('floor-uws', (r) => r.cpuPerReqUs) }
const parse = { tput: md('floor-parse', (r) => r.load.rps), cpu: md('floor-parse', (r) => r.cpuPerReqUs) }
if (Number.isFinite(floor.tput) && Number.isFinite(parse.tput)) {
  console.log(
    `parse floor/floor (bare uWS): throughput ${f(parse.tput / floor.tput, 2)}, CPU per request ` +
      `${f(parse.cpu / floor.cpu, 2)} (nothing validated or stored yet)`,
  )
}

if (PROFILE && TARGETS.includes('hitring')) {
  const keep = process.env.BENCH_PROFILE_DIR // kept for DevTools when given; a temp dir otherwise
  if (keep) mkdirSync(keep, { recursive: true })
  const dir = keep || mkdtempSync(join(tmpdir(), 'hitring-prof-'))
  if (!keep) tmpDirs.push(dir)
  const r = await measure('hitring', dir)
  console.log(
    `\nprofiled hitring run (--cpu-prof, slower): ${f(r.load.rps)} req/s, ${f(r.cpuPerReqUs, 1)} µs CPU/event, ` +
      `${f(r.perTask)} events/drain task; profiles of the whole process life (start, warm-up, load, drain, stop) ` +
      `in ${dir}`,
  )
  console.log(summariseProfiles(dir))
}
clearTimeout(deadline)
process.exitCode = failed ? 1 : 0
