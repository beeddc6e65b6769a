/**
 * The README's examples run as pasted (issue 14): every ```sh block of "Run it", "REST API" and
 * "Server-side ingestion" — but those that start the server with npm — runs, in order, in one bash with
 * `set -euo pipefail` (a variable the README never sets fails it), against a fresh server with default
 * limits, as a newcomer would paste them into a second terminal. The only substitutions: the server's
 * loopback port for localhost:8080, its data directory in HITKEEP_DATA_PATH (which `npx hitring` reads as
 * the server does), and `npx hitring` run as this checkout's src/bin/hitring.js — what npx runs in the
 * checkout, without asking npm (a name npx could not resolve would otherwise go to the registry).
 *
 * Every curl's status is checked against the status its README comment announces (`# 201`, `# → 202`),
 * in order, and so is what the newcomer came for: a counted conversion of the seed's goal.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, expect, test } from 'vitest'
import { ROOT, startServer, tempDataDir, waitFor, type ServerProcess, cleanupsAfterAll } from './helpers/server.js'
import { send } from './helpers/http.js'

const SECTIONS = ['Run it', 'REST API', 'Server-side ingestion']

const cleanups = cleanupsAfterAll()

/** The ```sh blocks of the README's sections, in order, dedented (one sits in a list item). */
function readmeShellBlocks(readme: string, sections: string[]): string[] {
  const blocks: string[] = []
  for (const part of readme.split(/^## /m)) {
    const title = part.slice(0, part.indexOf('\n')).trim()
    if (!sections.includes(title)) continue
    for (const m of part.matchAll(/^( *)```sh\n([\s\S]*?)^\1```$/gm)) {
      blocks.push(
        m[2]!
          .split('\n')
          .map((line) => line.slice(m[1]!.length))
          .join('\n'),
      )
    }
  }
  return blocks
}

/** The statuses the comments announce, in order: `# 201 …`, `# → 202 …`, at the start of a comment. */
function announcedStatuses(script: string): number[] {
  return script.split('\n').flatMap((line) => {
    const m = /(?:^|\s)#\s*(?:→\s*)?([1-5]\d\d)\b/.exec(line)
    return m ? [Number(m[1])] : []
  })
}

/** Defines the recording `curl` and the checkout's `npx hitring` (read it). */
const PRELUDE = readFileSync(join(ROOT, 'test/fixtures/readme-prelude.sh'), 'utf8')

let server: ServerProcess
let work: string
let script: string
let run: ReturnType<typeof spawnSync>

beforeAll(async () => {
  const data = tempDataDir()
  cleanups.push(() => data.remove())
  server = await startServer(data.path) // the defaults of npm start, limits included; a port of its own
  cleanups.push(() => server.stop())
  const cwd = tempDataDir() // the newcomer's working directory: ./cookies and ./purchases.ndjson land here
  cleanups.push(() => cwd.remove())
  work = cwd.path
  const blocks = readmeShellBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'), SECTIONS).filter(
    (b) => !/^npm /m.test(b),
  )
  script = blocks.join('\n').replaceAll('localhost:8080', `127.0.0.1:${server.port}`)
  const env = {
    ...process.env,
    HITKEEP_DATA_PATH: data.path,
    HITKEEP_HTTP_ADDR: `127.0.0.1:${server.port}`,
    STATUS_LOG: join(work, 'statuses'),
    HITRING_BIN: join(ROOT, 'src/bin/hitring.js'),
  }
  run = spawnSync('bash', ['-c', PRELUDE + script], { cwd: work, env, encoding: 'utf8', timeout: 60_000 })
})

test('the README has the blocks, and every curl in them announces its status', () => {
  expect(script).toContain('npx hitring site add your-site.com')
  expect(script).toContain('/api/initial-user')
  expect(script).toContain('/api/ingest/batch')
  const curls = script.split('\n').filter((l) => /(^|[\s(])curl /.test(l)).length
  expect(announcedStatuses(script)).toHaveLength(curls)
})

test('pasted in order, every line runs and every curl gets the status its comment announces', () => {
  expect(run.error).toBeUndefined()
  expect(run.status, `${run.stderr}\n--- stdout\n${run.stdout}`).toBe(0)
  const statuses = readFileSync(join(work, 'statuses'), 'utf8').trim().split('\n').map(Number)
  expect(statuses).toEqual(announcedStatuses(script))
})

test('and it ends with a counted conversion of the seed goal, the events stored, and the member added', async () => {
  // The session cookie curl kept in ./cookies (curl writes HttpOnly cookies as "#HttpOnly_<host>  …").
  const jar = readFileSync(join(work, 'cookies'), 'utf8')
  const token = jar
    .split('\n')
    .map((l) => l.split('\t'))
    .find((f) => f[5] === 'hk_token')![6]!
  const headers = { Cookie: `hk_token=${token}` }
  const sites = (await send(`${server.url}/api/sites`, { method: 'GET', headers })).json() as Array<{
    id: string
    domain: string
  }>
  expect(sites.map((s) => s.domain)).toEqual(['your-site.com'])
  const siteId = sites[0]!.id
  let stats: any
  await waitFor(
    async () => {
      stats = (await send(`${server.url}/api/sites/${siteId}/stats`, { method: 'GET', headers })).json()
      return (
        stats.goals?.[0]?.conversions === 1 &&
        stats.events?.find((e: { name: string }) => e.name === 'purchase')?.total === 4
      )
    },
    5000,
    'the conversion and the four purchases (browser, server, a batch of two) in the stats',
  )
  expect(stats.goals).toEqual([expect.objectContaining({ name: 'Pro Signup', conversions: 1, completions: 1 })])
  const members = (await send(`${server.url}/api/sites/${siteId}/members`, { method: 'GET', headers })).json()
  expect(members).toEqual(
    expect.arrayContaining([expect.objectContaining({ email: 'ana@example.com', role: 'viewer' })]),
  )
})
