/**
 * A few thousand hostile requests (bench/lib/hostile/, the generator `npm run fuzz` runs 100,000 of)
 * against the built server: every public route, invalid UTF-8, deep nesting, prototype keys, 10,000
 * props, cut bodies, header floods, smuggling. None may get a 5xx (but a documented 503), an error that
 * is not catalogue JSON, or no answer to a well-formed request; the server must not exit, its RSS must
 * stay bounded, and afterwards it must still answer /healthz and /readyz and accept an event.
 *
 * Fixed seeds only: a red run must stay red for the same commit, so it can be bisected and replayed
 * (`npm run fuzz -- -seed <seed> -case <index>` prints the request, the answer and the verdict). New
 * seeds are explored by `npm run fuzz`, which draws one at random and prints it.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { CLI, startServer, tempDataDir, type ServerProcess } from './helpers/server.js'
import { FUZZ_SERVER_ARGS, prepareAccounts, setUpFixtures, type Fixtures } from '../bench/lib/hostile/fixtures.js'
import { healthzOnce, listApiRoutes, stillServing } from '../bench/lib/hostile/probe.js'
import { runFuzz } from '../bench/lib/hostile/run.js'
import type { GenContext } from '../bench/lib/hostile/generate.js'

const SEEDS = [1, 2, 3]
const CASES_PER_SEED = 2_000
/** bench/README.md ("Hostile-input fuzzer") explains the bound. */
const MAX_RSS_BYTES = 768 * 2 ** 20

const dir = tempDataDir()
let server: ServerProcess
let exited: Promise<unknown>
let fx: Fixtures
let ctx: GenContext
/** `METHOD /route` of every case sent, over all seeds. */
const reached = new Set<string>()

beforeAll(async () => {
  prepareAccounts(CLI, dir.path)
  server = await startServer(dir.path, FUZZ_SERVER_ARGS)
  exited = new Promise((resolve) => server.proc.once('exit', resolve))
  fx = await setUpFixtures(server.url)
  ctx = { fx, apiRoutes: await listApiRoutes(server.url), now: Date.now() }
})
afterAll(async () => {
  await server?.stop()
  dir.remove()
})

test.each(SEEDS)(
  `seed %i: ${CASES_PER_SEED.toLocaleString('en-US')} hostile requests — no 5xx, catalogue errors, an answer to ` +
    `every well-formed request, no exit, bounded RSS`,
  async (seed) => {
    const result = await runFuzz({ port: server.port, pid: server.proc.pid!, ctx, seed, cases: CASES_PER_SEED, exited })
    const { tally } = result
    for (const route of tally.routes.keys()) reached.add(route)
    console.log(
      `seed ${seed}: ${tally.cases} cases in ${(result.wallMs / 1000).toFixed(1)} s, peak RSS ` +
        `${(result.maxRssBytes / 2 ** 20).toFixed(0)} MiB`,
    )
    expect(
      result.crashed,
      `the server exited with cases ${result.inFlightAtExit.join(', ')} in flight:\n` +
        `${server.logs.slice(-20).join('\n')}`,
    ).toBe(false)
    const replay = tally.violations.map(
      (v) =>
        `case ${v.index} (${v.family}/${v.kind}, ${v.route}): ${v.why} — npm run fuzz -- -seed ${seed} -case ` +
        `${v.index}`,
    )
    expect(replay).toEqual([])
    expect(tally.cases).toBe(CASES_PER_SEED)
    for (const family of tally.families.values()) expect(family.cases).toBeGreaterThan(0)
    expect(result.maxRssBytes).toBeLessThan(MAX_RSS_BYTES)
    expect(server.logs.filter((line) => /"level":[56]\d/.test(line))).toEqual([])
  },
  120_000,
)

test('afterwards: every /api route was reached; the server answers /healthz, /readyz and takes an event', async () => {
  expect(ctx.apiRoutes.filter((r) => !reached.has(`${r.method} ${r.path}`))).toEqual([])
  // A bounded wait, not a timing assertion: `npm run fuzz` measures the latency on a quiet machine.
  expect(await healthzOnce(server.port, 5_000)).toBeLessThan(5_000)
  expect(await stillServing(server.url, fx)).toEqual([])
  expect(server.proc.exitCode).toBeNull()
}, 30_000)
