/**
 * The `hitring` command: `serve` (what `npm start` runs), `site add|list|filters`, `user add`, `setup-url`,
 * `verify`.
 * The CLI writes to LMDB directly: it is its own process, not the HTTP thread. Only `serve` locks the
 * data directory (src/store/lock.ts); the other commands may run beside a server, since LMDB serialises
 * writers across processes and the server re-reads sites and users from LMDB.
 * A store that cannot be opened ends every command with one line and exit code 2 (src/store/data-dir.ts).
 * @module
 */
import { ConfigError, helpText, loadConfig } from '../config/load.js'
import { createLogger, flushLogger } from '../ops/logger.js'
import { startServer, type CloseOutcome } from '../server.js'
import {
  openStore,
  StoreOpenError,
  tightenDataDir,
  lockDataDir,
  createSite,
  getSite,
  getSiteByDomain,
  listSites,
  setSiteFilters,
  SiteError,
} from '../store/index.js'
import { recount } from '../derive/recount.js'
import { AccountError, createUserInTransaction, instanceOwner, userByEmail } from '../accounts/users.js'
import { grantInTransaction } from '../accounts/memberships.js'
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../accounts/password.js'
import { deleteSetupTokenInTransaction } from '../accounts/setup-token.js'
import { setupUrl } from './setup-url.js'
import { refuseExtraArguments, refuseServeArguments } from './arguments.js'

function takeOption(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const m = new RegExp(`^--?${name}(?:=(.*))?$`).exec(args[i]!)
    if (!m) continue
    const value = m[1] ?? args[i + 1]
    args.splice(i, m[1] === undefined ? 2 : 1)
    return value
  }
  return undefined
}

/** A flag without a value (`--password-stdin`): true if present, and taken out of `args`. */
function takeFlag(args: string[], name: string): boolean {
  const i = args.findIndex((a) => new RegExp(`^--?${name}$`).test(a))
  if (i >= 0) args.splice(i, 1)
  return i >= 0
}

/** Standard input to its end, without one trailing newline (`echo "$PW" | …`, a file with a final newline). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

const USER_ADD_USAGE = 'usage: hitring user add --email E (--password-stdin | --password P)'

/**
 * The `user add` lines of --help, which warn that `--password` shows the password to other local users
 * (it is in the process list, `ps`, and /proc/<pid>/cmdline) and offer `--password-stdin` instead.
 */
const USER_HELP = [
  '  hitring user add --email E --password-stdin',
  '                                    create a user (the first one owns every site), reading the password',
  '                                    from standard input (one trailing newline is dropped)',
  '  hitring user add --email E --password P',
  '                                    the same; P is visible to other local users in the process list',
]

function help(): string {
  return helpText()
    .split('\n')
    .flatMap((line) => (line.startsWith('  hitring user add ') ? USER_HELP : [line]))
    .join('\n')
}

/** The last line of a shutdown that could not store everything: what was lost, and why. */
function shutdownLossLine(o: CloseOutcome): string {
  const parts = [`shutdown: ${o.unstored.events} acknowledged event(s) were NOT stored`]
  if (o.unstored.drops > 0) parts.push(`nor the counts of ${o.unstored.drops} dropped event(s)`)
  if (o.notStoredRequests > 0)
    parts.push(`${o.notStoredRequests} durable request(s) among them were answered 503 not_stored`)
  return `${parts.join('; ')} (${o.reason ?? 'unknown reason'})`
}

async function serve(argv: string[]): Promise<void> {
  const { config, rest } = loadConfig(argv)
  refuseServeArguments(rest, process.env)
  const logger = createLogger(config.logLevel)
  // Before LMDB and the port: a second server on the same directory stops here (src/store/lock.ts).
  const lock = lockDataDir(config.dataPath)
  const loose = tightenDataDir(config.dataPath)
  if (loose.length > 0) {
    // Once, at start: earlier versions left the store 0755/0644 under the usual umask.
    const list = loose.map((l) => `${l.path} ${l.was}`).join(', ')
    logger.warn(
      { dataPath: config.dataPath, loose },
      loose.every((l) => l.tightened)
        ? `the store was readable by other users (${list}): now 0700 for the directory, 0600 for its files`
        : `the store is readable by other users (${list}) and could not be tightened: chmod 700 the directory, ` +
            `600 its files`,
    )
  }
  const server = await startServer(config, logger)
  // Before the first log line: whoever reads the port from it (a test, a supervisor) may signal at once.
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: draining the rings into LMDB')
    const outcome = await server.close()
    lock.release()
    if (outcome.drained) logger.info(outcome, 'shutdown complete: everything acknowledged is stored')
    else logger.error(outcome, shutdownLossLine(outcome))
    flushLogger(logger)
    process.exit(outcome.drained ? 0 : 1)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  logger.info(
    {
      port: server.port,
      dataPath: config.dataPath,
      workers: config.workers,
      ringBytes: config.ringBytes,
      publicUrl: server.publicUrl,
    },
    `hitring listening on ${server.publicUrl}`,
  )
  // The only place the set-up token is ever logged: the operator's link to the first account.
  if (server.setupLink)
    logger.info(
      { url: server.setupLink },
      `dashboard: ${server.setupLink} (open it to create the first account; it works once)`,
    )
  else logger.info({ url: `${server.publicUrl}/` }, `dashboard: ${server.publicUrl}/`)
}

const SITE_USAGES = {
  add: 'usage: hitring site add <domain> [--timezone Area/City] [--owner email]',
  list: 'usage: hitring site list',
  filters: 'usage: hitring site filters <domain|id> [--exclude-ips CIDR,…] [--allowed-hostnames host,*.host,…]',
}
const SITE_USAGE = Object.values(SITE_USAGES).join(' | ').replaceAll(' | usage: ', ' | ')

/** The header of `site list`: the rows are tab-separated values, and so is it. */
const SITE_LIST_HEADER = 'id\tdomain\ttimezone\tcreated_at'

function site(argv: string[]): void {
  const args = [...argv]
  const timezone = takeOption(args, 'timezone')
  const ownerEmail = takeOption(args, 'owner')
  const excludedIps = takeOption(args, 'exclude-ips')
  const allowedHostnames = takeOption(args, 'allowed-hostnames')
  const { config, rest } = loadConfig(args)
  const [action, domain] = rest
  // Before the store is opened: a mistyped command must not create ./data.
  if ((action === 'add' || action === 'filters') && domain) refuseExtraArguments(rest, 2, SITE_USAGES[action])
  else if (action === 'list') refuseExtraArguments(rest, 1, SITE_USAGES.list)
  else throw new ConfigError(action === 'add' || action === 'filters' ? SITE_USAGES[action] : SITE_USAGE)
  const store = openStore({ path: config.dataPath })
  try {
    if (action === 'add') {
      // The owner: -owner, else the instance owner once one exists (before that, the first user inherits every site).
      const owner = ownerEmail === undefined ? instanceOwner(store) : userByEmail(store, ownerEmail)
      if (ownerEmail !== undefined && !owner)
        throw new ConfigError(`no user has the e-mail ${JSON.stringify(ownerEmail)}`)
      const s = store.env.transactionSync(() => {
        const created = createSite(store, domain, timezone ?? 'UTC')
        if (owner) grantInTransaction(store, owner.id, created.id, 'owner')
        return created
      })
      console.log(s.id)
    } else if (action === 'list') {
      // A header row, also when piped: the same TSV everywhere (`tail -n +2` or `cut -f1` after it in scripts).
      console.log(SITE_LIST_HEADER)
      for (const s of listSites(store)) console.log(`${s.id}\t${s.domain}\t${s.timezone}\t${s.created_at}`)
    } else if (domain) {
      const site = getSite(store, domain) ?? getSiteByDomain(store, domain.toLowerCase())
      if (!site) throw new SiteError('invalid_domain', `No site ${JSON.stringify(domain)}`)
      const list = (v: string | undefined) =>
        v === undefined
          ? undefined
          : v
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean)
      const next = setSiteFilters(store, site.id, {
        excluded_ips: list(excludedIps),
        allowed_hostnames: list(allowedHostnames),
      })
      console.log(
        JSON.stringify({ excluded_ips: next.excluded_ips ?? [], allowed_hostnames: next.allowed_hostnames ?? [] }),
      )
    }
  } finally {
    void store.close()
  }
}

async function user(argv: string[]): Promise<void> {
  const args = [...argv]
  const fromStdin = takeFlag(args, 'password-stdin')
  const email = takeOption(args, 'email')
  const given = takeOption(args, 'password')
  const { config, rest } = loadConfig(args)
  if (rest[0] !== 'add' || !email || (given === undefined) === !fromStdin) throw new ConfigError(USER_ADD_USAGE)
  refuseExtraArguments(rest, 1, USER_ADD_USAGE)
  if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) throw new ConfigError(`not an e-mail address: ${JSON.stringify(email)}`)
  const password = fromStdin ? await readStdin() : given!
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new ConfigError(`the password must have ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`)
  }
  const passwordHash = await hashPassword(password)
  const store = openStore({ path: config.dataPath })
  try {
    const created = store.env.transactionSync(() => {
      const user = createUserInTransaction(store, email, passwordHash, false)
      if (user.instance_owner) deleteSetupTokenInTransaction(store) // set-up is complete: its link dies with it
      return user
    })
    // Never the password, not even its hash.
    console.log(JSON.stringify({ id: created.id, email: created.email, instance_owner: created.instance_owner }))
  } finally {
    await store.close()
  }
}

function verify(argv: string[]): void {
  const { config, rest } = loadConfig(argv)
  refuseExtraArguments(rest, 0, 'usage: hitring verify [-data-path DIR]')
  const store = openStore({ path: config.dataPath })
  const report = recount(store)
  console.log(
    JSON.stringify({ events: report.events, counters: report.counters, mismatches: report.mismatches.length }),
  )
  for (const m of report.mismatches.slice(0, 20)) console.error('mismatch', JSON.stringify(m))
  void store.close()
  process.exitCode = report.mismatches.length === 0 ? 0 : 1
}

export async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...args] = argv[0]?.startsWith('-') ? ['serve', ...argv] : argv
  if (args.includes('--help') || args.includes('-help') || args.includes('-h') || command === 'help') {
    console.log(help())
    return
  }
  try {
    if (command === 'serve') await serve(args)
    else if (command === 'site') site(args)
    else if (command === 'user') await user(args)
    else if (command === 'setup-url') await setupUrl(args)
    else if (command === 'verify') verify(args)
    else throw new ConfigError(`unknown command ${JSON.stringify(command)} (see --help)`)
  } catch (err) {
    if (
      err instanceof ConfigError ||
      err instanceof SiteError ||
      err instanceof AccountError ||
      err instanceof StoreOpenError
    ) {
      console.error(`hitring: ${err.message}`)
      process.exit(2)
    }
    throw err
  }
}

await main(process.argv.slice(2))
