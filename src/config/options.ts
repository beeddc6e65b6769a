/**
 * Every configuration option: its flag, its environment variable (HitKeep's names where HitKeep has
 * one), its default and its validation. Precedence: default < environment < flag, as in HitKeep.
 * @module
 */
import { availableParallelism } from 'node:os'
import { z } from 'zod'
import { CidrSet } from '../net/ip.js'

export interface OptionDef {
  flag: string
  aliases?: string[]
  env: string
  default: string
  help: string
  /** A Go-style boolean: `-flag` alone means true. */
  boolean?: true
}

export const OPTIONS = [
  { flag: 'http-addr', aliases: ['http'], env: 'HITKEEP_HTTP_ADDR', default: ':8080', help: 'address to listen on, [host]:port' },
  {
    flag: 'public-url',
    env: 'HITKEEP_PUBLIC_URL',
    default: '',
    help: 'public URL of this server, the only origin allowed to sign in and write from a browser (default: http://<listening host>:<port>, localhost for every interface; then each request\'s own address is allowed)',
  },
  { flag: 'data-path', env: 'HITKEEP_DATA_PATH', default: './data', help: 'directory of the embedded LMDB store (made 0700; one server at a time)' },
  {
    flag: 'trusted-proxies',
    env: 'HITKEEP_TRUSTED_PROXIES',
    default: '',
    help: 'comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed (default: none)',
  },
  { flag: 'ingest-rate', aliases: ['ingest-rate-limit'], env: 'HITKEEP_INGEST_RATE_LIMIT', default: '20', help: 'ingest requests per second per client IP' },
  { flag: 'ingest-burst', env: 'HITKEEP_INGEST_BURST', default: '40', help: 'ingest burst per client IP' },
  { flag: 'api-rate', aliases: ['api-rate-limit'], env: 'HITKEEP_API_RATE_LIMIT', default: '10', help: 'REST API requests per second per client IP' },
  { flag: 'api-burst', env: 'HITKEEP_API_BURST', default: '20', help: 'REST API burst per client IP' },
  {
    flag: 'auth-rate',
    aliases: ['auth-rate-limit'],
    env: 'HITKEEP_AUTH_RATE_LIMIT',
    default: '2',
    help: 'login and first-user set-up requests per second per client IP',
  },
  { flag: 'auth-burst', env: 'HITKEEP_AUTH_BURST', default: '5', help: 'login and first-user set-up burst per client IP' },
  {
    flag: 'auth-session-minutes',
    env: 'HITKEEP_AUTH_SESSION_MINUTES',
    default: '720',
    help: 'lifetime of a login session (hk_token cookie) in minutes; fractions allowed',
  },
  {
    flag: 'auth-remember-me-days',
    env: 'HITKEEP_AUTH_REMEMBER_ME_DAYS',
    default: '30',
    help: 'lifetime of a session opened with remember_me, in days; fractions allowed',
  },
  {
    flag: 'ingest-ack',
    env: 'HITKEEP_INGEST_ACK',
    default: 'fast',
    help: 'fast: 202 once an event is queued in memory; durable: 202 once it is committed and flushed to disk (per request: X-Hitring-Ack: durable)',
  },
  {
    flag: 'server-ingest-rate',
    env: 'HITKEEP_SERVER_INGEST_RATE_LIMIT',
    default: '1000',
    help: 'server-ingest and batch requests per second per API token',
  },
  { flag: 'server-ingest-burst', env: 'HITKEEP_SERVER_INGEST_BURST', default: '2000', help: 'server-ingest and batch burst per API token' },
  {
    flag: 'backfill-window',
    env: 'HITKEEP_BACKFILL_WINDOW',
    default: '7d',
    help: 'how old a server-side event timestamp may be (e.g. 7d, 36h)',
  },
  { flag: 'batch-max-items', env: 'HITKEEP_BATCH_MAX_ITEMS', default: '10000', help: 'items per POST /api/ingest/batch' },
  { flag: 'batch-max-bytes', env: 'HITKEEP_BATCH_MAX_BYTES', default: '5MiB', help: 'body size of POST /api/ingest/batch' },
  { flag: 'ring-size', env: 'HITKEEP_RING_SIZE', default: '64MiB', help: 'memory of the ingest rings in all (power of two; e.g. 64MiB)' },
  {
    flag: 'session-slots',
    env: 'HITKEEP_SESSION_SLOTS',
    default: '262144',
    help: 'open sessions kept in memory, all lanes together (power of two, 64 bytes each; up to 90 % usable)',
  },
  { flag: 'workers', env: 'HITKEEP_WORKERS', default: '', help: 'drain worker threads (default: CPU count, 1 to 4)' },
  {
    flag: 'respect-dnt',
    env: 'HITKEEP_RESPECT_DNT',
    default: 'false',
    boolean: true,
    help: 'drop events from browsers sending DNT: 1 or Sec-GPC: 1 (hk.js already sends nothing then)',
  },
  {
    flag: 'stream-max-per-user',
    env: 'HITKEEP_STREAM_MAX_PER_USER',
    default: '8',
    help: 'open Server-Sent-Event streams (GET /api/sites/{id}/stream) per user, over all their sessions and API clients',
  },
  { flag: 'stream-max-per-ip', env: 'HITKEEP_STREAM_MAX_PER_IP', default: '32', help: 'open Server-Sent-Event streams per client IP (IPv6 by /64)' },
  { flag: 'log-level', env: 'HITKEEP_LOG_LEVEL', default: 'info', help: 'debug, info, warn or error' },
  { flag: 'shutdown-timeout', env: 'HITKEEP_SHUTDOWN_TIMEOUT', default: '30s', help: 'how long SIGTERM waits for the rings to drain' },
] as const satisfies readonly OptionDef[]

export type OptionName = (typeof OPTIONS)[number]['flag']

function parseBytes(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(s.trim())
  if (!m) return NaN
  const unit = (m[2] ?? 'b').toLowerCase()[0]!
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1
  return Number(m[1]) * mult
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `500ms`, `30s`, `5m`, `36h`, `7d`; a bare number is seconds. */
function parseDurationMs(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(s.trim())
  if (!m) return NaN
  return Number(m[1]) * DURATION_UNITS[m[2] ?? 's']!
}

const positive = (what: string) => z.coerce.number({ error: `must be a number (${what})` }).finite().positive()
/**
 * A whole number in [min, max], with a message that says the range: zod's own `.int().min().max()` under
 * a schema-level `error` gave "must be a whole number" for 0 or 2,000,000 too.
 */
const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .refine((n) => Number.isInteger(n) && n >= min && n <= max, `must be a whole number from ${min} to ${max}`)

export const configSchema = z.object({
  'http-addr': z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]*):\d{1,5}$/, 'must be [host]:port, such as :8080 or 127.0.0.1:8080')
    .transform((s) => {
      const i = s.lastIndexOf(':')
      return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(s.slice(i + 1)) }
    })
    .refine((a) => a.port <= 65535, 'port must be at most 65535'),
  'public-url': z.union([z.literal(''), z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })]),
  'data-path': z.string().min(1, 'must not be empty'),
  'trusted-proxies': z.string().transform((s, ctx) => {
    const list = s.split(',').map((x) => x.trim()).filter(Boolean)
    try {
      return new CidrSet(list)
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message })
      return z.NEVER
    }
  }),
  'ingest-rate': positive('requests per second'),
  'ingest-burst': wholeNumber(1, 1_000_000),
  'api-rate': positive('requests per second'),
  'api-burst': wholeNumber(1, 1_000_000),
  'auth-rate': positive('requests per second'),
  'auth-burst': wholeNumber(1, 1_000_000),
  // Fractions allowed so tests (and cautious operators) can use sessions of seconds.
  'auth-session-minutes': positive('minutes').max(10 * 365 * 24 * 60, 'must be at most ten years'),
  'auth-remember-me-days': positive('days').max(10 * 365, 'must be at most ten years'),
  'ingest-ack': z.enum(['fast', 'durable'], { error: 'must be fast or durable' }),
  'server-ingest-rate': positive('requests per second'),
  'server-ingest-burst': wholeNumber(1, 10_000_000),
  'backfill-window': z
    .string()
    .transform(parseDurationMs)
    .refine((n) => Number.isFinite(n) && n >= 60_000, 'must be a duration of at least a minute, such as 7d or 36h'),
  'batch-max-items': wholeNumber(1, 1_000_000),
  'batch-max-bytes': z
    .string()
    .transform(parseBytes)
    .refine((n) => Number.isInteger(n) && n >= 1024 && n <= 256 * 1024 * 1024, 'must be a size from 1KiB to 256MiB, such as 5MiB'),
  'ring-size': z
    .string()
    .transform(parseBytes)
    .refine((n) => Number.isInteger(n) && n >= 1 << 20 && n <= 2 ** 30 && (n & (n - 1)) === 0, 'must be a power of two from 1MiB to 1GiB'),
  'session-slots': z.coerce
    .number({ error: 'must be a whole number' })
    .refine((n) => Number.isInteger(n) && n >= 1024 && n <= 2 ** 26 && (n & (n - 1)) === 0, 'must be a power of two from 1024 to 67108864'),
  workers: z
    .string()
    .transform((s) => (s === '' ? Math.max(1, Math.min(4, availableParallelism())) : Number(s)))
    .refine((n) => Number.isInteger(n) && n >= 1 && n <= 64, 'must be a whole number from 1 to 64'),
  'respect-dnt': z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).transform((v) => v === 'true' || v === '1'),
  'stream-max-per-user': wholeNumber(1, 100_000),
  'stream-max-per-ip': wholeNumber(1, 100_000),
  'log-level': z.enum(['debug', 'info', 'warn', 'error']),
  'shutdown-timeout': z
    .string()
    .transform(parseDurationMs)
    .refine((n) => Number.isFinite(n) && n >= 100, 'must be a duration such as 30s or 500ms'),
})

type Parsed = z.infer<typeof configSchema>

/** The validated configuration the server runs with. */
export interface Config {
  host: string
  port: number
  publicUrl: string
  /** False when -public-url was not given: the server then uses {@link defaultPublicUrl} with the bound port. */
  publicUrlExplicit: boolean
  dataPath: string
  trustedProxies: CidrSet
  ingestRate: number
  ingestBurst: number
  apiRate: number
  apiBurst: number
  authRate: number
  authBurst: number
  /** Lifetime of a login session, ms; and of one opened with remember_me. */
  sessionMs: number
  rememberMeMs: number
  ingestAck: 'fast' | 'durable'
  serverIngestRate: number
  serverIngestBurst: number
  backfillMs: number
  batchMaxItems: number
  batchMaxBytes: number
  ringBytes: number
  /** Slots of the open-session tables, all lanes together (src/sessions/table.ts). */
  sessionSlots: number
  workers: number
  respectDnt: boolean
  /** Caps on open event streams (src/api/streams.ts). */
  streamMaxPerUser: number
  streamMaxPerIp: number
  logLevel: Parsed['log-level']
  shutdownTimeoutMs: number
}

/**
 * The public URL without -public-url: the address the server listens on, as the start-up log prints it
 * for the operator to open — `localhost` when it listens on every interface (`:8080`, 0.0.0.0, [::]),
 * else its host (`127.0.0.1:8080` prints http://127.0.0.1:8080: what the operator chose, and reachable
 * even where `localhost` resolves to ::1 first).
 */
export function defaultPublicUrl(host: string, port: number): string {
  const name = host === '' || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  return `http://${name.toLowerCase()}${port === 80 ? '' : `:${port}`}`
}

export function toConfig(p: Parsed): Config {
  const port = p['http-addr'].port
  return {
    host: p['http-addr'].host,
    port,
    publicUrl: (p['public-url'] || defaultPublicUrl(p['http-addr'].host, port)).replace(/\/+$/, ''),
    publicUrlExplicit: p['public-url'] !== '',
    dataPath: p['data-path'],
    trustedProxies: p['trusted-proxies'],
    ingestRate: p['ingest-rate'],
    ingestBurst: p['ingest-burst'],
    apiRate: p['api-rate'],
    apiBurst: p['api-burst'],
    authRate: p['auth-rate'],
    authBurst: p['auth-burst'],
    sessionMs: Math.round(p['auth-session-minutes'] * 60_000),
    rememberMeMs: Math.round(p['auth-remember-me-days'] * 86_400_000),
    ingestAck: p['ingest-ack'],
    serverIngestRate: p['server-ingest-rate'],
    serverIngestBurst: p['server-ingest-burst'],
    backfillMs: p['backfill-window'],
    batchMaxItems: p['batch-max-items'],
    batchMaxBytes: p['batch-max-bytes'],
    ringBytes: p['ring-size'],
    sessionSlots: p['session-slots'],
    workers: p.workers,
    respectDnt: p['respect-dnt'],
    streamMaxPerUser: p['stream-max-per-user'],
    streamMaxPerIp: p['stream-max-per-ip'],
    logLevel: p['log-level'],
    shutdownTimeoutMs: p['shutdown-timeout'],
  }
}
