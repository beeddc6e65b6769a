/**
 * The soak (`npm run soak`): hitring under steady load for SOAK_SECONDS (default 300), restarted every
 * SOAK_CYCLE seconds (default 30) — alternately stopped with SIGTERM while clients send with fast
 * acknowledgement, and killed with `kill -9` while they send with `X-Hitring-Ack: durable` — then
 * `hitring verify`. It checks the promise "every 202 is stored":
 *
 * - every event answered 202 (without `X-Hitring-Drop`) is in LMDB at the end: stored ≥ acknowledged;
 * - nothing is stored twice or invented: stored ≤ acknowledged + requests cut off by a kill (an event
 *   can be committed and its 202 lost with the connection — the reason durable clients retry with ids);
 * - no 5xx except `503 shutting_down` during a SIGTERM; `hitring verify` finds no mismatch;
 * - memory: the server's peak RSS per cycle, to see it does not grow cycle after cycle.
 *
 * Exits 1 when a check fails. Env: SOAK_SECONDS, SOAK_CYCLE, SOAK_CONNECTIONS (32).
 *
 *   npm run soak
 * @module
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { benchDist, describeBuild } from './lib/snapshot.js'
import { killAll, peakRssBytes, startTarget, type Target } from './lib/proc.js'
import { verify } from './lib/hitring.js'

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300)
const CYCLE = Number(process.env.SOAK_CYCLE ?? 30)
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 32)
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'

const dist = benchDist()
const cli = join(dist, 'cli.js')
const tmp = mkdtempSync(join(tmpdir(), 'hitring-soak-'))
const dataDir = join(tmp, 'data')
process.on('exit', () => {
  killAll()
  rmSync(tmp, { recursive: true, force: true })
})
console.log(
  `soak: ${SECONDS} s in cycles of ${CYCLE} s (SIGTERM with fast acks, kill -9 with durable acks), ${CONNECTIONS} ` +
    `connections`,
)
console.log(process.env.BENCH_BUILD ?? describeBuild(dist))

const siteId = execFileSync(process.execPath, [cli, 'site', 'add', 'soak.example', '-data-path', dataDir], {
  encoding: 'utf8',
})
  .trim()
  .split('\n')
  .pop()!
const body = Buffer.from(
  JSON.stringify({
    site_id: siteId,
    name: 'signup',
    url: 'https://soak.example/pricing',
    referrer: '',
    props: { plan: 'pro' },
  }),
)

const totals = { acknowledged: 0, dropped: 0, shuttingDown: 0, other: new Map<number, number>(), cutOff: 0 }

/** Sends until `stop()` resolves; counts every answer. Each request claims one of 20,000 client addresses. */
function load(port: number, durable: boolean, stop: Promise<void>): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS })
  let stopped = false
  void stop.then(() => (stopped = true))
  let n = 0
  const one = () =>
    new Promise<void>((resolve) => {
      const client = (n = (n + 1) % 20_000)
      const req = http.request(
        {
          agent,
          host: '127.0.0.1',
          port,
          path: '/ingest/event',
          method: 'POST',
          timeout: 10_000,
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            'user-agent': UA,
            'x-forwarded-for': `10.${(client >> 16) & 255}.${(client >> 8) & 255}.${client & 255}`,
            ...(durable ? { 'x-hitring-ack': 'durable' } : {}),
          },
        },
        (res) => {
          res.resume()
          res.once('end', () => {
            const s = res.statusCode!
            if (s === 202 && res.headers['x-hitring-drop']) totals.dropped++
            else if (s === 202) totals.acknowledged++
            else if (s === 503 && !durable)
              totals.shuttingDown++ // SIGTERM: refused, not lost
            else totals.other.set(s, (totals.other.get(s) ?? 0) + 1)
            resolve()
          })
        },
      )
      // the server went away mid-request
      req.once('error', () => {
        totals.cutOff++
        resolve()
      })
      req.once('timeout', () => req.destroy(new Error('timeout')))
      req.end(body)
    })
  const loop = async () => {
    while (!stopped) await one()
  }
  return Promise.all(Array.from({ length: CONNECTIONS }, loop)).then(() => agent.destroy())
}

const serverArgs = [
  'serve',
  '-data-path',
  dataDir,
  '-http-addr',
  '127.0.0.1:0',
  '-trusted-proxies',
  '127.0.0.1/32',
  '-ingest-rate',
  '1000000000',
  '-ingest-burst',
  '1000000',
]
const started = Date.now()
let failures = 0
for (let cycle = 1; Date.now() - started < SECONDS * 1000; cycle++) {
  const kill = cycle % 2 === 0 // even cycles: durable acks, then kill -9
  const server: Target = await startTarget(cli, serverArgs)
  let release!: () => void
  const stop = new Promise<void>((r) => (release = r))
  const before = totals.acknowledged
  const running = load(server.port, kill, stop)
  await new Promise((r) => setTimeout(r, Math.min(CYCLE, SECONDS) * 1000))
  const rss = peakRssBytes(server.pid)
  // Clients stop starting requests; those in flight meet the signal (cut off, or 503 while draining).
  release()
  await Promise.resolve()
  process.kill(server.pid, kill ? 'SIGKILL' : 'SIGTERM')
  const exit = await server.exited
  if (!kill) {
    if (exit !== 0) {
      failures++
      console.log(`  cycle ${cycle}: SIGTERM exit ${exit} (expected 0):\n${server.tail.join('\n')}`)
    }
  }
  await running
  console.log(
    `  cycle ${cycle} (${kill ? 'durable, kill -9' : 'fast, SIGTERM'}): ` +
      `${(totals.acknowledged - before).toLocaleString('en-US')} acknowledged, peak RSS ` +
      `${(rss / 2 ** 20).toFixed(0)} MiB, exit ${exit ?? 'signal'}`,
  )
}

const v = await verify(cli, dataDir)
const otherAnswers = [...totals.other].map(([s, n]) => `${n}×${s}`).join(', ') || 'none'
console.log(
  `\nacknowledged (202): ${totals.acknowledged.toLocaleString('en-US')}; dropped (202 + X-Hitring-Drop): ` +
    `${totals.dropped}; 503 shutting_down: ${totals.shuttingDown}; cut off by a kill: ${totals.cutOff}; other ` +
    `answers: ${otherAnswers}`,
)
if ('error' in v) {
  console.log(`hitring verify failed: ${v.error}`)
  failures++
} else {
  console.log(`stored (hitring verify): ${v.events.toLocaleString('en-US')}, mismatches: ${v.mismatches}`)
  if (v.mismatches !== 0) failures++
  if (v.events < totals.acknowledged) {
    failures++
    console.log(`LOST: ${totals.acknowledged - v.events} acknowledged events are not stored`)
  }
  if (v.events > totals.acknowledged + totals.cutOff) {
    failures++
    console.log(
      `INVENTED: ${v.events - totals.acknowledged - totals.cutOff} more events stored than acknowledged or cut off`,
    )
  }
}
if (totals.other.size > 0 || totals.dropped > 0) failures++
console.log(failures === 0 ? 'soak: ok — every acknowledged event is stored' : `soak: ${failures} check(s) FAILED`)
process.exitCode = failures === 0 ? 0 : 1
