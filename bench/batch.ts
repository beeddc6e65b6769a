/**
 * Batch ingestion throughput (issue 7): events/s committed to LMDB from `POST /api/ingest/batch` with
 * 1,000 items per request, against raw LMDB writes of the same records measured in the same run.
 *
 *   env: BENCH_BATCHES (200 → 200,000 events) BENCH_SENDERS (4 concurrent requests) BENCH_RUNS (3)
 *        BENCH_WORKERS (server default)
 * Targets (reported, not asserted): ≥ 250,000 events/s committed, ≥ 0.6 × raw LMDB.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, cpus } from 'node:os'
import { join } from 'node:path'
import { open } from 'lmdb'
import { benchDist, describeBuild } from './lib/snapshot.js'
import { cpuDelta, cpuTimes, killAll, median, startTarget, stopTarget } from './lib/proc.js'
import { metrics } from './lib/hitring.js'
import { summariseProfiles } from './lib/profile.js'

const BATCHES = Number(process.env.BENCH_BATCHES ?? 200)
const SENDERS = Number(process.env.BENCH_SENDERS ?? 4)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const PER_BATCH = 1000
/** BENCH_PROFILE=1: the server runs under --cpu-prof and the top self-time functions are printed. */
const PROFILE_DIR = process.env.BENCH_PROFILE === '1' ? mkdtempSync(join(tmpdir(), 'hitring-batch-prof-')) : ''
const UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'

const item = (i: number) => ({
  name: i % 10 === 0 ? 'signup' : 'purchase',
  url: `https://shop.example/p/${i % 200}?utm_source=s${i % 7}`,
  timestamp: new Date(Date.now() - (i % 3600) * 1000).toISOString(),
  visitor_ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  user_agent: UA,
  props: { plan: i % 3 ? 'pro' : 'free', amount: i % 100 },
})

// biome-ignore lint/suspicious/noExplicitAny: the harness reads the answers' JSON fields it prints, unchecked
async function json(url: string, body: unknown, cookie = ''): Promise<{ status: number; body: any; cookie: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
    body: JSON.stringify(body),
  })
  const set = res.headers.get('set-cookie') ?? ''
  return { status: res.status, body: await res.json().catch(() => null), cookie: set.split(';', 1)[0] ?? '' }
}

async function hitringRun(cli: string): Promise<{ eventsPerSec: number; cpuUsPerEvent: number; stored: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hitring-batch-'))
  const dataPath = join(dataDir, 'data')
  const args = [
    'serve',
    '-data-path',
    dataPath,
    '-http-addr',
    '127.0.0.1:0',
    '-server-ingest-rate',
    '1000000',
    '-server-ingest-burst',
    '1000000',
  ]
  if (process.env.BENCH_WORKERS) args.push('-workers', process.env.BENCH_WORKERS)
  const t = await startTarget(cli, args, PROFILE_DIR ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] } : {})
  try {
    const base = `http://127.0.0.1:${t.port}`
    // The one-time set-up token, as an operator gets it again: `hitring setup-url` prints a fresh link.
    const link = execFileSync(process.execPath, [cli, 'setup-url', '-data-path', dataPath], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    const setup_token = new URL(link.trim()).searchParams.get('token')
    const { cookie } = await json(`${base}/api/initial-user`, {
      email: 'bench@example.test',
      password: 'benchmark password',
      setup_token,
    })
    const site = (await json(`${base}/api/sites`, { domain: 'shop.example' }, cookie)).body
    const { token } = (
      await json(
        `${base}/api/user/api-clients`,
        { name: 'bench', site_roles: [{ site_id: site.id, role: 'editor' }] },
        cookie,
      )
    ).body
    const bodies = Array.from({ length: BATCHES }, (_, b) =>
      JSON.stringify(Array.from({ length: PER_BATCH }, (_, i) => item(b * PER_BATCH + i))),
    )
    const cpu0 = cpuTimes(t.pid)
    const started = performance.now()
    let next = 0
    let accepted = 0
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++]!
          const res = await fetch(`${base}/api/ingest/batch`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body,
          })
          const answer = (await res.json()) as { accepted: number }
          if (res.status !== 202)
            throw new Error(`batch answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`)
          accepted += answer.accepted
        }
      }),
    )
    let stored = 0
    for (const deadline = performance.now() + 120_000; performance.now() < deadline; ) {
      stored = (await metrics(t.port)).get('hitring_events_stored_total') ?? 0
      if (stored >= accepted) break
      await new Promise((r) => setTimeout(r, 20))
    }
    const elapsed = (performance.now() - started) / 1000
    const cpu = cpuDelta(cpu0, cpuTimes(t.pid))
    if (stored < accepted) throw new Error(`only ${stored} of ${accepted} stored after 120 s`)
    return { eventsPerSec: stored / elapsed, cpuUsPerEvent: ((cpu.user + cpu.sys) * 1e6) / stored, stored }
  } finally {
    await stopTarget(t)
    rmSync(dataDir, { recursive: true, force: true })
  }
}

async function rawRun(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'hitring-raw-'))
  const env = open({ path: join(dir, 'raw'), maxDbs: 2 })
  const db = env.openDB<unknown, number>('raw', {})
  const records = Array.from({ length: BATCHES * PER_BATCH }, (_, i) => item(i))
  const started = performance.now()
  for (let b = 0; b < BATCHES; b++) {
    await db.transaction(() => {
      for (let i = 0; i < PER_BATCH; i++) db.put(b * PER_BATCH + i, records[b * PER_BATCH + i])
    })
  }
  await env.flushed
  const rate = records.length / ((performance.now() - started) / 1000)
  await env.close()
  rmSync(dir, { recursive: true, force: true })
  return rate
}

process.on('exit', killAll)
const dist = benchDist()
console.log(
  `batch ingestion: ${BATCHES} batches × ${PER_BATCH} events, ${SENDERS} concurrent senders, ${RUNS} runs; ` +
    `${cpus().length} cores, Node ${process.version}`,
)
console.log(process.env.BENCH_BUILD ?? describeBuild(dist))
const ours: number[] = []
const raw: number[] = []
const cpuPer: number[] = []
for (let r = 1; r <= RUNS; r++) {
  const h = await hitringRun(join(dist, 'cli.js'))
  const w = await rawRun()
  ours.push(h.eventsPerSec)
  cpuPer.push(h.cpuUsPerEvent)
  raw.push(w)
  console.log(
    `run ${r}: hitring ${Math.round(h.eventsPerSec).toLocaleString()} events/s committed ` +
      `(${h.cpuUsPerEvent.toFixed(1)} µs CPU/event); raw LMDB ${Math.round(w).toLocaleString()} events/s`,
  )
}
const o = median(ours)
const w = median(raw)
console.log('\n| measure | median |\n|---|---:|')
console.log(`| hitring: events/s committed from batches of ${PER_BATCH} | ${Math.round(o).toLocaleString()} |`)
console.log(`| hitring: server CPU µs per event | ${median(cpuPer).toFixed(1)} |`)
console.log(
  `| raw LMDB: events/s (same records, msgpack put, transactions of ${PER_BATCH}) | ` +
    `${Math.round(w).toLocaleString()} |`,
)
console.log(`| ratio hitring / raw LMDB (target ≥ 0.6) | ${(o / w).toFixed(2)} |`)
console.log(`| target ≥ 250,000 events/s | ${o >= 250_000 ? 'met' : 'NOT met'} |`)
if (PROFILE_DIR) {
  console.log(`\n${summariseProfiles(PROFILE_DIR)}`)
  rmSync(PROFILE_DIR, { recursive: true, force: true })
}
