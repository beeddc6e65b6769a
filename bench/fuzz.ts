/**
 * The hostile-input fuzzer (`npm run fuzz`): a built hitring with every rate limit raised, fixtures made
 * through its API (accounts, sites, an API token, a session), then `-cases` generated hostile requests
 * (bench/lib/hostile/) against every public route. Pass: no 5xx but documented 503s, every 4xx a JSON
 * error, an answer to every well-formed request, no crash, RSS under `-max-rss-mib`, and afterwards
 * /healthz within 100 ms (each of 20 tries), /readyz 200, a valid event accepted, SIGTERM exit 0 and
 * `hitring verify` without a mismatch.
 *
 *   npm run fuzz                                   # 100,000 cases, a random seed (printed)
 *   npm run fuzz -- -seed 1234 -cases 5000
 *   npm run fuzz -- -seed 1234 -case 4711          # replay one case: its bytes, the answer, the verdict
 *
 * Exits 1 when a check fails.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { benchDist, describeBuild } from './lib/snapshot.js'
import { killAll, startTarget, stopTarget } from './lib/proc.js'
import { verify } from './lib/hitring.js'
import { FUZZ_SERVER_ARGS, prepareAccounts, setUpFixtures } from './lib/hostile/fixtures.js'
import { healthzLatencies, listApiRoutes, stillServing } from './lib/hostile/probe.js'
import { rssBytes, runFuzz } from './lib/hostile/run.js'
import { printReport } from './lib/hostile/report.js'
import { printable } from './lib/hostile/wire.js'

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`-${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const seed = Number(flag('seed') ?? Math.floor(Math.random() * 2 ** 32)) >>> 0
const replay = flag('case')?.split(',').map(Number)
const cases = Number(flag('cases') ?? 100_000)
const maxRssMiB = Number(flag('max-rss-mib') ?? 768)
const healthzBudgetMs = 100

const dist = benchDist()
const cli = join(dist, 'cli.js')
const tmp = mkdtempSync(join(tmpdir(), 'hitring-fuzz-'))
const dataDir = join(tmp, 'data')
process.on('exit', () => {
  killAll()
  rmSync(tmp, { recursive: true, force: true })
})

console.log(
  `fuzz: seed ${seed}, ${replay ? `case(s) ${replay.join(', ')}` : `${cases.toLocaleString('en-US')} cases`} — ` +
    `replay with: npm run fuzz -- -seed ${seed} -case <index>`,
)
console.log(`${process.env.BENCH_BUILD ?? describeBuild(dist)}; Node ${process.version}, ${cpus().length} CPUs`)
prepareAccounts(cli, dataDir)
const server = await startTarget(cli, [
  'serve',
  '-data-path',
  dataDir,
  '-http-addr',
  '127.0.0.1:0',
  ...FUZZ_SERVER_ARGS,
])
const base = `http://127.0.0.1:${server.port}`
/** The server's error-level log lines (a 500's cause is logged there), one example per message and first frame. */
const errorLog = new Map<string, { n: number; line: string }>()
/**
 * What the server (or a worker: lmdb-js prints a failed commit's cause there) wrote to stderr that is not a JSON log
 * line.
 */
const stderrLines = new Map<string, number>()
server.child.stderr!.on('data', (s: string) => {
  for (const line of s.split('\n'))
    if (line.trim() !== '' && !line.startsWith('{'))
      stderrLines.set(line.slice(0, 300), (stderrLines.get(line.slice(0, 300)) ?? 0) + 1)
})
for (const stream of [server.child.stdout!, server.child.stderr!]) {
  stream.on('data', (s: string) => {
    for (const line of s.split('\n')) {
      if (!/^\{"level":[56]\d/.test(line)) continue
      const key = `${/"message":"([^"]*)"/.exec(line)?.[1]} @ ${/\\n\s+at ([^\\]*)/.exec(line)?.[1] ?? ''}`
      const seen = errorLog.get(key)
      if (seen) seen.n++
      else errorLog.set(key, { n: 1, line: line.slice(0, 2500) })
    }
  })
}
const fx = await setUpFixtures(base)
const ctx = { fx, apiRoutes: await listApiRoutes(base), now: Date.now() }
const baselineRss = rssBytes(server.pid)

const result = await runFuzz({
  port: server.port,
  pid: server.pid,
  ctx,
  seed,
  cases,
  only: replay,
  exited: server.exited,
  onProgress: (done, total) =>
    console.log(
      `  ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} cases, RSS ` +
        `${(rssBytes(server.pid) / 2 ** 20).toFixed(0)} MiB`,
    ),
  onCase: replay
    ? (c, verdict, outcome) => {
        const noAnswer = c.noAnswer ? ` (no answer accepted: ${c.noAnswer})` : ''
        const request = printable(Buffer.concat([c.head, c.body]), 4000)
        console.log(`\ncase ${c.index}: ${c.family} / ${c.kind} → ${c.route}${noAnswer}\n--- request ---\n${request}`)
        const answer =
          outcome.kind === 'answer'
            ? `${outcome.answer.status} ${JSON.stringify(Object.fromEntries(outcome.answer.headers))}\n` +
              `${outcome.answer.body.subarray(0, 2000).toString('utf8')}`
            : JSON.stringify(outcome)
        console.log(`--- outcome ---\n${answer}`)
        const notes = verdict.notes.length ? ` (${verdict.notes.join('; ')})` : ''
        console.log(`--- verdict --- ${verdict.ok ? 'ok' : `VIOLATION: ${verdict.why}`}${notes}`)
      }
    : undefined,
})

const failures: string[] = []
let healthz: number[] = []
let serving: string[] = []
let exit: number | null = null
let verified: Awaited<ReturnType<typeof verify>> | null = null
if (result.crashed)
  failures.push(
    `the server exited (code ${await server.exited}) with cases ${result.inFlightAtExit.join(', ')} ` +
      `in flight:\n${server.tail.join('\n')}`,
  )
else {
  healthz = await healthzLatencies(server.port, 20)
  if (healthz.some((ms) => !(ms < healthzBudgetMs)))
    failures.push(
      `/healthz after the run took ${healthz.map((ms) => ms.toFixed(1)).join(', ')} ms ` +
        `(budget ${healthzBudgetMs} ms each)`,
    )
  serving = await stillServing(base, fx)
  failures.push(...serving)
  exit = await stopTarget(server)
  if (exit !== 0) failures.push(`SIGTERM exit ${exit} (expected 0):\n${server.tail.join('\n')}`)
  verified = await verify(cli, dataDir)
  if ('error' in verified) failures.push(`hitring verify failed: ${verified.error}`)
  else if (verified.mismatches !== 0) failures.push(`hitring verify: ${verified.mismatches} mismatches`)
}
if (result.tally.violationCount > 0) failures.push(`${result.tally.violationCount} oracle violation(s)`)
if (result.maxRssBytes > maxRssMiB * 2 ** 20)
  failures.push(`peak RSS ${(result.maxRssBytes / 2 ** 20).toFixed(0)} MiB over the bound of ${maxRssMiB} MiB`)
if (server.errorLines > 0)
  failures.push(
    `${server.errorLines} error line(s) in the server log; one of each kind:\n` +
      `${[...errorLog.values()].map((e) => `(×${e.n}) ${e.line}`).join('\n')}`,
  )

printReport({
  seed,
  result,
  baselineRss,
  maxRssMiB,
  healthz,
  healthzBudgetMs,
  apiRoutes: replay ? [] : ctx.apiRoutes,
  verified,
  exit,
  errorLines: server.errorLines,
  tail: server.tail,
})
if (stderrLines.size > 0)
  console.log(
    `\nthe server's stderr (not JSON logs):\n${[...stderrLines]
      .slice(0, 30)
      .map(([line, n]) => `(×${n}) ${line}`)
      .join('\n')}`,
  )
console.log(
  failures.length === 0 ? '\nfuzz: ok' : `\nfuzz: ${failures.length} check(s) FAILED\n- ${failures.join('\n- ')}`,
)
process.exitCode = failures.length === 0 ? 0 : 1
