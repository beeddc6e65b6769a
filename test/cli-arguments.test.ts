/**
 * Flags can't be lost (issue 14): `npm start -ingest-rate 2 -ingest-burst 3`, without `--`, gave npm the
 * flags and the server `serve 2 3`, and it ran with the defaults. Now `serve` refuses any positional
 * argument, and any flag of its own that npm took, with exit code 2 and one line that rebuilds the
 * command meant — `npm start -- …` and its environment form — from npm's `npm_config_*` variables. Run
 * through the real npm: the start script with `npm_config_ignore_scripts` (no `prestart` build, which would
 * rewrite dist/ under the test files running beside this one). The `--` form and the environment form
 * start a server with those settings. The other commands keep their positional arguments and refuse
 * extra ones the same way; a `site` command that is not one answers its usage before opening (and so
 * creating) a store.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { expect, test } from 'vitest'
import { CLI, ROOT, tempDataDir, cleanupsAfterAll } from './helpers/server.js'
import { postJson } from './helpers/http.js'

const cleanups = cleanupsAfterAll()

const dir = tempDataDir()
cleanups.push(() => dir.remove())

/**
 * The environment without npm's variables (this suite may run under `npm test`), and with a data
 * directory and loopback address of its own, so a server that wrongly starts touches neither ./data nor
 * :8080. Flags on the command line override both.
 */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)))
  return {
    ...env,
    HITKEEP_DATA_PATH: dir.path,
    HITKEEP_HTTP_ADDR: '127.0.0.1:0',
    npm_config_ignore_scripts: 'true',
    npm_config_update_notifier: 'false',
    ...extra,
  }
}

const node = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: cleanEnv(), timeout: 15_000 })
const npmStart = (...args: string[]) =>
  spawnSync('npm', ['start', ...args], { cwd: ROOT, encoding: 'utf8', env: cleanEnv(), timeout: 30_000 })
/** hitring's own line on stderr (npm adds warnings of its own around it). */
const hitringLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('hitring:'))

test('serve refuses a positional argument: exit 2, one line, nothing started', () => {
  const r = node('serve', '2', '3')
  expect(r.status).toBe(2)
  expect(r.stderr).toBe(
    'hitring: unexpected argument "2": flags start with - (hitring serve takes only flags; see hitring --help)\n',
  )
  expect(r.stdout).toBe('')
})

test('npm start without --: refused, with the command meant and its environment form', () => {
  const r = npmStart('-ingest-rate', '2', '-ingest-burst', '3')
  expect(r.status, r.stderr).toBe(2)
  // Both values fit both flags: the pairing is a guess, in the order of --help, and says so.
  expect(hitringLines(r.stderr)).toEqual([
    'hitring: unexpected argument "2": flags start with - (npm took -ingest-rate and -ingest-burst for its own ' +
      'settings; ' +
      'with npm, put them after --: likely npm start -- -ingest-rate 2 -ingest-burst 3; ' +
      'or use the environment: HITKEEP_INGEST_RATE_LIMIT=2 HITKEEP_INGEST_BURST=3 npm start)',
  ])
  expect(r.stdout).not.toContain('listening')
})

test('npm start without --: values that fit one flag each are paired exactly, whatever the order typed', () => {
  const r = npmStart('-public-url', 'http://stats.lan:8080', '-http-addr', '127.0.0.1:9', '-workers', '2')
  expect(r.status, r.stderr).toBe(2)
  expect(hitringLines(r.stderr)).toEqual([
    'hitring: unexpected argument "http://stats.lan:8080": flags start with - (npm took -http-addr, -public-url ' +
      'and -workers for its own settings; ' +
      'with npm, put them after --: npm start -- -public-url http://stats.lan:8080 -http-addr 127.0.0.1:9 ' +
      '-workers 2; ' +
      'or use the environment: HITKEEP_PUBLIC_URL=http://stats.lan:8080 HITKEEP_HTTP_ADDR=127.0.0.1:9 ' +
      'HITKEEP_WORKERS=2 npm start)',
  ])
})

test('npm start -flag=value and a bare boolean leave no argument behind, and are refused all the same', () => {
  const r = npmStart('-ingest-rate=2', '-respect-dnt')
  expect(r.status, r.stderr).toBe(2)
  expect(hitringLines(r.stderr)).toEqual([
    'hitring: npm took -ingest-rate and -respect-dnt for its own settings (with npm, put them after --: npm start ' +
      '-- -ingest-rate 2 -respect-dnt; ' +
      'or use the environment: HITKEEP_INGEST_RATE_LIMIT=2 HITKEEP_RESPECT_DNT=true npm start)',
  ])
})

interface Started {
  port: number
  dataPath: string
  stop(): Promise<void>
}

/** `npm start …` in its own process group (npm → sh → node), until the server's listening line. */
async function startWithNpm(args: string[], env: NodeJS.ProcessEnv): Promise<Started> {
  const proc = spawn('npm', ['start', ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return
    process.kill(-proc.pid!, 'SIGTERM')
    const timer = setTimeout(() => process.kill(-proc.pid!, 'SIGKILL'), 20_000)
    await exited
    clearTimeout(timer)
  }
  cleanups.push(stop)
  let stderr = ''
  proc.stderr!.on('data', (d) => (stderr += String(d)))
  const listening = await new Promise<{ port: number; dataPath: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not start a server in 20 s:\n${stderr}`)), 20_000)
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return // npm's "> hitring@0.1.0 start" lines
      const entry = JSON.parse(line) as { port?: number; dataPath?: string }
      if (typeof entry.port === 'number') {
        clearTimeout(timer)
        resolve({ port: entry.port, dataPath: entry.dataPath! })
      }
    })
    void exited.then(() => reject(new Error(`npm start exited before listening:\n${stderr}`)))
  })
  return { ...listening, stop }
}

/** Whether the ingest limiter answers 429 within 20 quick requests: never with the default burst of 40. */
async function rateLimitedWithin20(port: number): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    if ((await postJson(`http://127.0.0.1:${port}/ingest/event`, {})).status === 429) return true
  }
  return false
}

test('npm start -- <flags> starts with them (-ingest-rate 2 -ingest-burst 3: a 429 within 20 requests)', async () => {
  const other = tempDataDir()
  cleanups.push(() => other.remove())
  const s = await startWithNpm(
    ['--', '-http-addr', '127.0.0.1:0', '-data-path', other.path, '-ingest-rate', '2', '-ingest-burst', '3'],
    {},
  )
  expect(s.dataPath).toBe(other.path)
  expect(await rateLimitedWithin20(s.port)).toBe(true)
  await s.stop()
})

test('the environment form starts with those settings', async () => {
  const s = await startWithNpm([], { HITKEEP_INGEST_RATE_LIMIT: '2', HITKEEP_INGEST_BURST: '3' })
  expect(s.dataPath).toBe(dir.path)
  expect(await rateLimitedWithin20(s.port)).toBe(true)
  await s.stop()
})

test('and without either, the defaults: no 429 within 20 requests (what the two tests above rule out)', async () => {
  const s = await startWithNpm([], {})
  expect(await rateLimitedWithin20(s.port)).toBe(false)
  await s.stop()
})

test.each([
  [
    ['site', 'add', 'a.example', 'Europe/Berlin'],
    'unexpected argument "Europe/Berlin": flags start with - (usage: hitring site add <domain> [--timezone ' +
      'Area/City] [--owner email])',
  ],
  [['site', 'list', 'all'], 'unexpected argument "all": flags start with - (usage: hitring site list)'],
  [
    ['site', 'filters', 'a.example', '203.0.113.0/24'],
    'unexpected argument "203.0.113.0/24": flags start with - (usage: hitring site filters <domain|id> ' +
      '[--exclude-ips CIDR,…] [--allowed-hostnames host,*.host,…])',
  ],
  [
    ['user', 'add', 'ana@example.test', '--email', 'ana@example.test', '--password-stdin'],
    'unexpected argument "ana@example.test": flags start with - (usage: hitring user add --email E ' +
      '(--password-stdin | --password P))',
  ],
  [['verify', 'now'], 'unexpected argument "now": flags start with - (usage: hitring verify [-data-path DIR])'],
  [
    ['setup-url', 'again'],
    'unexpected argument "again": flags start with - (usage: hitring setup-url [-data-path DIR] [-public-url URL] ' +
      '[-http-addr [host]:port])',
  ],
])('%j: extra arguments are refused with exit code 2 and one line', (args, message) => {
  const r = node(...args)
  expect(r.status).toBe(2)
  expect(r.stderr).toBe(`hitring: ${message}\n`)
})

test('the positional arguments a command takes still work: site add <domain>, then site filters <domain>', () => {
  const add = node('site', 'add', 'kept.example')
  expect(add.status, add.stderr).toBe(0)
  const filters = node('site', 'filters', 'kept.example', '--exclude-ips', '203.0.113.0/24')
  expect(filters.status, filters.stderr).toBe(0)
  expect(JSON.parse(filters.stdout)).toEqual({ excluded_ips: ['203.0.113.0/24'], allowed_hostnames: [] })
})

test.each([[['site', 'frobnicate']], [['site', 'add']], [['site']]])(
  '%j: the usage, exit code 2, and no store made for it',
  (args) => {
    const path = `${dir.path}/never-made`
    const r = node(...args, '-data-path', path)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^hitring: usage: hitring site add <domain>/)
    expect(existsSync(path)).toBe(false)
  },
)
