/**
 * Every configuration option, declared once: its flag (and older aliases), its environment variable
 * (HitKeep's names where HitKeep has one), its default, its help line, its zod validation — which also
 * turns the text into the value the server runs with — and the field of {@link Config} it fills. The
 * flag parser and `hitring --help` (./load.ts), the validated {@link Config} and its type are derived
 * from {@link OPTIONS}; the README's configuration table is checked against it (test/config-readme.test.ts).
 * Precedence: default < environment < flag, as in HitKeep.
 *
 * To add an option: one entry here (and its row in the README), then read `config.<key>` where it is used.
 * @module
 */
import { availableParallelism } from 'node:os'
import { z } from 'zod'
import { CidrSet } from '../net/ip.js'
import { listenAddress, parseBytes, parseDurationMs, positive, wholeNumber } from './values.js'

export interface OptionDef {
  flag: string
  aliases?: readonly string[]
  env: string
  default: string
  help: string
  /** A Go-style boolean: `-flag` alone means true. */
  boolean?: true
  /** Validates the text (flag, environment or default) and turns it into the value of `key`. */
  schema: z.ZodType
  /** The field of {@link Config} it fills; null for the two that {@link toConfig} takes apart (address, public URL). */
  key: string | null
}

/** One option, with its flag, key and schema kept as literal types (for {@link Config}). */
const option = <const F extends string, const K extends string | null, S extends z.ZodType>(
  o: Omit<OptionDef, 'flag' | 'key' | 'schema'> & { flag: F; key: K; schema: S },
) => o

/** `-help` order. */
export const OPTIONS = [
  option({
    flag: 'http-addr',
    aliases: ['http'],
    env: 'HITKEEP_HTTP_ADDR',
    default: ':8080',
    help: 'address to listen on, [host]:port',
    key: null, // host and port
    schema: listenAddress,
  }),
  option({
    flag: 'public-url',
    env: 'HITKEEP_PUBLIC_URL',
    default: '',
    help:
      'public URL of this server, the only origin allowed to sign in and write from a browser (default: ' +
      "http://<listening host>:<port>, localhost for every interface; then each request's own address is allowed)",
    key: null, // publicUrl and publicUrlExplicit
    schema: z.union([z.literal(''), z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })]),
  }),
  option({
    flag: 'data-path',
    env: 'HITKEEP_DATA_PATH',
    default: './data',
    help: 'directory of the embedded LMDB store (made 0700; one server at a time)',
    key: 'dataPath',
    schema: z.string().min(1, 'must not be empty'),
  }),
  option({
    flag: 'trusted-proxies',
    env: 'HITKEEP_TRUSTED_PROXIES',
    default: '',
    help: 'comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed (default: none)',
    key: 'trustedProxies',
    schema: z.string().transform((s, ctx) => {
      const list = s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
      try {
        return new CidrSet(list)
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message })
        return z.NEVER
      }
    }),
  }),
  option({
    flag: 'ingest-rate',
    aliases: ['ingest-rate-limit'],
    env: 'HITKEEP_INGEST_RATE_LIMIT',
    default: '20',
    help: 'ingest requests per second per client IP',
    key: 'ingestRate',
    schema: positive('requests per second'),
  }),
  option({
    flag: 'ingest-burst',
    env: 'HITKEEP_INGEST_BURST',
    default: '40',
    help: 'ingest burst per client IP',
    key: 'ingestBurst',
    schema: wholeNumber(1, 1_000_000),
  }),
  option({
    flag: 'api-rate',
    aliases: ['api-rate-limit'],
    env: 'HITKEEP_API_RATE_LIMIT',
    default: '10',
    help: 'REST API requests per second per client IP',
    key: 'apiRate',
    schema: positive('requests per second'),
  }),
  option({
    flag: 'api-burst',
    env: 'HITKEEP_API_BURST',
    default: '20',
    help: 'REST API burst per client IP',
    key: 'apiBurst',
    schema: wholeNumber(1, 1_000_000),
  }),
  option({
    flag: 'auth-rate',
    aliases: ['auth-rate-limit'],
    env: 'HITKEEP_AUTH_RATE_LIMIT',
    default: '2',
    help: 'login and first-user set-up requests per second per client IP',
    key: 'authRate',
    schema: positive('requests per second'),
  }),
  option({
    flag: 'auth-burst',
    env: 'HITKEEP_AUTH_BURST',
    default: '5',
    help: 'login and first-user set-up burst per client IP',
    key: 'authBurst',
    schema: wholeNumber(1, 1_000_000),
  }),
  // Fractions allowed so tests (and cautious operators) can use sessions of seconds.
  option({
    flag: 'auth-session-minutes',
    env: 'HITKEEP_AUTH_SESSION_MINUTES',
    default: '720',
    help: 'lifetime of a login session (hk_token cookie) in minutes; fractions allowed',
    key: 'sessionMs',
    schema: positive('minutes')
      .max(10 * 365 * 24 * 60, 'must be at most ten years')
      .transform((minutes) => Math.round(minutes * 60_000)),
  }),
  option({
    flag: 'auth-remember-me-days',
    env: 'HITKEEP_AUTH_REMEMBER_ME_DAYS',
    default: '30',
    help: 'lifetime of a session opened with remember_me, in days; fractions allowed',
    key: 'rememberMeMs',
    schema: positive('days')
      .max(10 * 365, 'must be at most ten years')
      .transform((days) => Math.round(days * 86_400_000)),
  }),
  option({
    flag: 'ingest-ack',
    env: 'HITKEEP_INGEST_ACK',
    default: 'fast',
    help:
      'fast: 202 once an event is queued in memory; durable: 202 once it is committed and flushed to disk ' +
      '(per request: X-Hitring-Ack: durable)',
    key: 'ingestAck',
    schema: z.enum(['fast', 'durable'], { error: 'must be fast or durable' }),
  }),
  option({
    flag: 'server-ingest-rate',
    env: 'HITKEEP_SERVER_INGEST_RATE_LIMIT',
    default: '1000',
    help: 'server-ingest and batch requests per second per API token',
    key: 'serverIngestRate',
    schema: positive('requests per second'),
  }),
  option({
    flag: 'server-ingest-burst',
    env: 'HITKEEP_SERVER_INGEST_BURST',
    default: '2000',
    help: 'server-ingest and batch burst per API token',
    key: 'serverIngestBurst',
    schema: wholeNumber(1, 10_000_000),
  }),
  option({
    flag: 'backfill-window',
    env: 'HITKEEP_BACKFILL_WINDOW',
    default: '7d',
    help: 'how old a server-side event timestamp may be (e.g. 7d, 36h)',
    key: 'backfillMs',
    schema: z
      .string()
      .transform(parseDurationMs)
      .refine((n) => Number.isFinite(n) && n >= 60_000, 'must be a duration of at least a minute, such as 7d or 36h'),
  }),
  option({
    flag: 'batch-max-items',
    env: 'HITKEEP_BATCH_MAX_ITEMS',
    default: '10000',
    help: 'items per POST /api/ingest/batch',
    key: 'batchMaxItems',
    schema: wholeNumber(1, 1_000_000),
  }),
  option({
    flag: 'batch-max-bytes',
    env: 'HITKEEP_BATCH_MAX_BYTES',
    default: '5MiB',
    help: 'body size of POST /api/ingest/batch',
    key: 'batchMaxBytes',
    schema: z
      .string()
      .transform(parseBytes)
      .refine(
        (n) => Number.isInteger(n) && n >= 1024 && n <= 256 * 1024 * 1024,
        'must be a size from 1KiB to 256MiB, such as 5MiB',
      ),
  }),
  option({
    flag: 'ring-size',
    env: 'HITKEEP_RING_SIZE',
    default: '64MiB',
    help: 'memory of the ingest rings in all (power of two; e.g. 64MiB)',
    key: 'ringBytes',
    schema: z
      .string()
      .transform(parseBytes)
      .refine(
        (n) => Number.isInteger(n) && n >= 1 << 20 && n <= 2 ** 30 && (n & (n - 1)) === 0,
        'must be a power of two from 1MiB to 1GiB',
      ),
  }),
  // Slots of the open-session tables (src/sessions/table.ts).
  option({
    flag: 'session-slots',
    env: 'HITKEEP_SESSION_SLOTS',
    default: '262144',
    help: 'open sessions kept in memory, all lanes together (power of two, 64 bytes each; up to 90 % usable)',
    key: 'sessionSlots',
    schema: z.coerce
      .number({ error: 'must be a whole number' })
      .refine(
        (n) => Number.isInteger(n) && n >= 1024 && n <= 2 ** 26 && (n & (n - 1)) === 0,
        'must be a power of two from 1024 to 67108864',
      ),
  }),
  option({
    flag: 'workers',
    env: 'HITKEEP_WORKERS',
    default: '',
    help: 'drain worker threads (default: CPU count, 1 to 4)',
    key: 'workers',
    schema: z
      .string()
      .transform((s) => (s === '' ? Math.max(1, Math.min(4, availableParallelism())) : Number(s)))
      .refine((n) => Number.isInteger(n) && n >= 1 && n <= 64, 'must be a whole number from 1 to 64'),
  }),
  option({
    flag: 'respect-dnt',
    env: 'HITKEEP_RESPECT_DNT',
    default: 'false',
    boolean: true,
    help: 'drop events from browsers sending DNT: 1 or Sec-GPC: 1 (hk.js already sends nothing then)',
    key: 'respectDnt',
    schema: z
      .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
      .transform((v) => v === 'true' || v === '1'),
  }),
  // Caps on open event streams (src/api/streams.ts).
  option({
    flag: 'stream-max-per-user',
    env: 'HITKEEP_STREAM_MAX_PER_USER',
    default: '8',
    help:
      'open Server-Sent-Event streams (GET /api/sites/{id}/stream) per user, over all their sessions and API ' +
      'clients',
    key: 'streamMaxPerUser',
    schema: wholeNumber(1, 100_000),
  }),
  option({
    flag: 'stream-max-per-ip',
    env: 'HITKEEP_STREAM_MAX_PER_IP',
    default: '32',
    help: 'open Server-Sent-Event streams per client IP (IPv6 by /64)',
    key: 'streamMaxPerIp',
    schema: wholeNumber(1, 100_000),
  }),
  option({
    flag: 'log-level',
    env: 'HITKEEP_LOG_LEVEL',
    default: 'info',
    help: 'debug, info, warn or error',
    key: 'logLevel',
    schema: z.enum(['debug', 'info', 'warn', 'error']),
  }),
  option({
    flag: 'shutdown-timeout',
    env: 'HITKEEP_SHUTDOWN_TIMEOUT',
    default: '30s',
    help: 'how long SIGTERM waits for the rings to drain',
    key: 'shutdownTimeoutMs',
    schema: z
      .string()
      .transform(parseDurationMs)
      .refine((n) => Number.isFinite(n) && n >= 100, 'must be a duration such as 30s or 500ms'),
  }),
] as const satisfies readonly OptionDef[]

type Option = (typeof OPTIONS)[number]
export type OptionName = Option['flag']

/** Every option's schema by flag: what ./load.ts validates the raw text with, all problems at once. */
export const configSchema = z.object(
  Object.fromEntries(OPTIONS.map((o) => [o.flag, o.schema])) as { [O in Option as O['flag']]: O['schema'] },
)

type Parsed = z.infer<typeof configSchema>

/** The validated configuration the server runs with: one field per option with a key, and the address's parts. */
export type Config = { [O in Extract<Option, { key: string }> as O['key']]: z.output<O['schema']> } & {
  host: string
  port: number
  publicUrl: string
  /** False when -public-url was not given: the server then uses {@link defaultPublicUrl} with the bound port. */
  publicUrlExplicit: boolean
}

/**
 * The public URL without -public-url: the address the server listens on, as the start-up log prints it
 * for the operator to open — `localhost` when it listens on every interface (`:8080`, 0.0.0.0, [::]),
 * else its host (`127.0.0.1:8080` prints http://127.0.0.1:8080: what the operator chose, and reachable
 * even where `localhost` resolves to ::1 first).
 */
export function defaultPublicUrl(host: string, port: number): string {
  const name =
    host === '' || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  return `http://${name.toLowerCase()}${port === 80 ? '' : `:${port}`}`
}

export function toConfig(p: Parsed): Config {
  const { host, port } = p['http-addr']
  const config: Record<string, unknown> = {
    host,
    port,
    publicUrl: (p['public-url'] || defaultPublicUrl(host, port)).replace(/\/+$/, ''),
    publicUrlExplicit: p['public-url'] !== '',
  }
  for (const o of OPTIONS as readonly OptionDef[]) if (o.key !== null) config[o.key] = p[o.flag as OptionName]
  return config as Config
}
