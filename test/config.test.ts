/** Configuration: HitKeep's flag and environment names, precedence default < env < flag, precise errors, --help. */
import { execFileSync, spawnSync } from 'node:child_process'
import { expect, test } from 'vitest'
import { loadConfig, ConfigError } from '../src/config/load.js'
import { CLI } from './helpers/server.js'

test('defaults work with no flags', () => {
  const { config } = loadConfig([], {})
  expect(config).toMatchObject({
    host: '',
    port: 8080,
    dataPath: './data',
    ingestRate: 20,
    ingestBurst: 40,
    publicUrl: 'http://localhost:8080',
  })
  expect(config.ringBytes).toBe(64 * 1024 * 1024)
  expect(config.workers).toBeGreaterThanOrEqual(1)
  expect(config.trustedProxies.has(new Uint8Array([127, 0, 0, 1]))).toBe(false)
})

test.each([
  [{ HITKEEP_INGEST_RATE_LIMIT: '100.5' }, [], 100.5],
  [{ HITKEEP_INGEST_RATE_LIMIT: '100.5' }, ['-ingest-rate', '7'], 7],
  [{ HITKEEP_INGEST_RATE_LIMIT: '100.5' }, ['--ingest-rate=8'], 8],
  [{ HITKEEP_INGEST_RATE_LIMIT: '' }, [], 20],
  [{}, ['-ingest-rate-limit', '3.5'], 3.5],
])('precedence default < env < flag: env %j flags %j → %d', (env, argv, rate) => {
  expect(loadConfig(argv, env).config.ingestRate).toBe(rate)
})

test.each([
  [':8080', 'http://localhost:8080'],
  ['0.0.0.0:8080', 'http://localhost:8080'],
  ['[::]:8080', 'http://localhost:8080'],
  ['127.0.0.1:9090', 'http://127.0.0.1:9090'],
  ['[::1]:9090', 'http://[::1]:9090'],
  ['Stats.LAN:80', 'http://stats.lan'],
])('without -public-url, the public URL is the listening address: -http-addr %s → %s', (addr, url) => {
  expect(loadConfig(['-http-addr', addr], {}).config).toMatchObject({ publicUrl: url, publicUrlExplicit: false })
})

test('every HitKeep name maps', () => {
  const { config } = loadConfig([], {
    HITKEEP_HTTP_ADDR: '127.0.0.1:9090',
    HITKEEP_PUBLIC_URL: 'https://stats.example/',
    HITKEEP_DATA_PATH: '/var/lib/hitring',
    HITKEEP_TRUSTED_PROXIES: '10.0.0.0/8, 2001:db8::/32',
    HITKEEP_INGEST_BURST: '90',
    HITKEEP_RING_SIZE: '8MiB',
    HITKEEP_WORKERS: '3',
    HITKEEP_SESSION_SLOTS: '1048576',
  })
  expect(config).toMatchObject({
    host: '127.0.0.1',
    port: 9090,
    publicUrl: 'https://stats.example',
    dataPath: '/var/lib/hitring',
    ingestBurst: 90,
    ringBytes: 8 << 20,
    workers: 3,
    sessionSlots: 1 << 20,
  })
  expect(config.trustedProxies.has(new Uint8Array([10, 1, 2, 3]))).toBe(true)
})

test('stream caps: 8 per user, 32 per IP by default; flags and HITKEEP_STREAM_MAX_PER_* set them, at least 1', () => {
  expect(loadConfig([], {}).config).toMatchObject({ streamMaxPerUser: 8, streamMaxPerIp: 32 })
  const env = { HITKEEP_STREAM_MAX_PER_USER: '3', HITKEEP_STREAM_MAX_PER_IP: '5' }
  expect(loadConfig([], env).config).toMatchObject({ streamMaxPerUser: 3, streamMaxPerIp: 5 })
  expect(loadConfig(['-stream-max-per-user', '4', '-stream-max-per-ip=6'], env).config).toMatchObject({
    streamMaxPerUser: 4,
    streamMaxPerIp: 6,
  })
  expect(() => loadConfig(['-stream-max-per-user', '0'], {})).toThrowError(/-stream-max-per-user/)
  expect(() => loadConfig(['-stream-max-per-ip', '2.5'], {})).toThrowError(/-stream-max-per-ip.*whole number/)
})

test.each([
  [['-ingest-rate', 'fast'], /-ingest-rate \/ HITKEEP_INGEST_RATE_LIMIT \("fast"\)/],
  [['-ingest-burst', '2.5'], /-ingest-burst.*whole number/],
  [['-http-addr', 'localhost'], /-http-addr.*\[host\]:port/],
  [['-trusted-proxies', '10.0.0.0/33'], /-trusted-proxies.*10\.0\.0\.0\/33/],
  [['-ring-size', '3MiB'], /-ring-size.*power of two/],
  [['-session-slots', '100000'], /-session-slots.*power of two/],
  [['-no-such-flag', '1'], /unknown flag -no-such-flag/],
  [['-workers'], /needs a value/],
])('%j is refused with a precise message', (argv, message) => {
  expect(() => loadConfig(argv, {})).toThrowError(ConfigError)
  expect(() => loadConfig(argv, {})).toThrowError(message)
})

test('the CLI prints --help and refuses bad configuration with exit code 2', () => {
  const help = execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' })
  for (const name of [
    '-ingest-rate',
    'HITKEEP_INGEST_RATE_LIMIT',
    '-ingest-burst',
    'HITKEEP_INGEST_BURST',
    '-http-addr',
    '-public-url',
    '-data-path',
    '-trusted-proxies',
    '-ring-size',
    '-session-slots',
    '-workers',
  ]) {
    expect(help).toContain(name)
  }
  const bad = spawnSync(process.execPath, [CLI, 'serve', '-ingest-rate', '-1'], { encoding: 'utf8' })
  expect(bad.status).toBe(2)
  expect(bad.stderr).toMatch(/ingest-rate/)
})
