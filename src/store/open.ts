/**
 * Opens hitring's LMDB environment and its named databases. Every thread that touches the store opens
 * the same path (LMDB is built for many readers and serialises writers); only drain workers and the
 * CLI write — never the HTTP thread: a write transaction waits for LMDB's one writer lock and for the
 * disk (https://github.com/kriszyp/lmdb-js#transactions), which would stall every request.
 *
 * | database      | key (encoding)                               | value                              |
 * |---------------|----------------------------------------------|------------------------------------|
 * | `meta`        | string                                       | counters, schema version, set-up token's SHA-256 |
 * | `sites`       | site id (UUID string)                        | {@link SiteRecord}                 |
 * | `site_domains`| domain                                       | site id                            |
 * | `site_nums`   | site number (u32)                            | site id                            |
 * | `strings`     | [kind, text] (ordered-binary)                | interned id (number)               |
 * | `string_ids`  | [kind, id] (ordered-binary)                  | text                               |
 * | `rollups`     | [site, metric, granularity, bucket, dim]     | count (number)                     |
 * | `events`      | binary: site u32 · first ts u48 · block u32  | a block of raw events (./event-block.ts) |
 * | `uniques`     | [site, granularity, bucket]                  | HyperLogLog sketch (binary)        |
 * | `dim_uniques` | [site, metric, granularity, bucket, dim]     | HyperLogLog sketch (binary)        |
 * | `packed`      | [site, metric, granularity, bucket]          | a closed bucket's breakdown rows (./packed.ts) |
 * | `salts`       | UTC day number                               | 32 random bytes                    |
 * | `session_log` | binary: lane u32 · seq u64                   | sessions a batch changed, or a lane's snapshot |
 * | `users`       | user id (UUID string)                        | `UserRecord` (src/accounts/users)  |
 * | `user_emails` | e-mail address (lower-case)                  | user id                            |
 * | `auth_sessions`| SHA-256 of the session token (hex)          | `LoginSession` (src/accounts)      |
 * | `api_clients` | [user id, client id]                         | `ApiClientRecord` (src/accounts)   |
 * | `api_tokens`  | SHA-256 of the API token (hex)               | [user id, client id]               |
 * | `memberships` | [user id, site id]                           | role: owner, editor or viewer      |
 * | `site_members`| [site id, user id]                           | role (the same rows, by site)      |
 * | `goals`       | [site id, goal sequence]                     | `Goal` (src/goals/goal.ts)        |
 * | `idempotency` | [site number, idempotency key]               | when it was accepted (ms)          |
 * @module
 */
import { existsSync } from 'node:fs'
import { open, type Database, type Key, type RootDatabase } from 'lmdb'
import { StoreGoneError } from './faults.js'
import { FILE_MODE, makeDataDir, storeOpenError } from './data-dir.js'

export const SCHEMA_VERSION = 1

export interface Store {
  env: RootDatabase
  meta: Database<unknown, string>
  sites: Database<unknown, string>
  siteDomains: Database<string, string>
  siteNums: Database<string, number>
  strings: Database<number, Key[]>
  stringIds: Database<string, Key[]>
  rollups: Database<number, Key[]>
  events: Database<unknown, Buffer>
  uniques: Database<Buffer, Key[]>
  dimUniques: Database<Buffer, Key[]>
  packed: Database<Buffer, Key[]>
  salts: Database<Buffer, number>
  sessionLog: Database<Buffer, Buffer>
  users: Database<unknown, string>
  userEmails: Database<string, string>
  authSessions: Database<unknown, string>
  apiClients: Database<unknown, Key[]>
  apiTokens: Database<Key[], string>
  memberships: Database<string, Key[]>
  siteMembers: Database<string, Key[]>
  goals: Database<unknown, Key[]>
  idempotency: Database<number, Key[]>
  close(): Promise<void>
}

export interface OpenStoreOptions {
  /** Directory of the environment; created when missing unless `create` is false. */
  path: string
  readOnly?: boolean
  /**
   * False for drain workers: the server made the directory at start, and a worker that finds it gone must
   * fail (loudly, task by task) rather than make an empty store beside the one the server still has open.
   * Also, Node's recursive mkdir never returns once the working directory has been deleted (Node 20:
   * `mkdir('./data')` ENOENT → `mkdir('.')` EEXIST → again), which spun a worker at 100 % CPU.
   */
  create?: boolean
}

/**
 * Opens (and unless told otherwise creates, 0700) the store. A failure to open it — a read-only or
 * unwritable directory, a file in its place, a full disk — throws a {@link StoreOpenError} whose message
 * names the path and the cause.
 */
export function openStore(options: OpenStoreOptions): Store {
  if (options.create === false) {
    // lmdb-js makes a missing directory itself (recursively, so it would hang the same way): check first.
    if (!existsSync(options.path))
      throw new StoreGoneError(`the data directory ${options.path} is gone (a worker never creates it)`)
  } else if (!options.readOnly) makeDataDir(options.path)
  try {
    return openEnvironment(options)
  } catch (err) {
    throw storeOpenError(options.path, err)
  }
}

function openEnvironment(options: OpenStoreOptions): Store {
  const env = open({
    path: options.path,
    maxDbs: 32,
    // Every drain worker, the HTTP thread, the CLI and tests read at once (lmdb-js#14: the default 126 can run out).
    maxReaders: 512,
    readOnly: options.readOnly ?? false,
    // lmdb-js guesses "a file, not a directory" from a dot in the last path component (`./data.v2`,
    // `mktemp -d`'s /tmp/tmp.XXXX) and then fails with "Is a directory": the data path is always a directory.
    noSubdir: false,
    // data.mdb and lock.mdb hold password and token hashes and the daily salt: 0600, not LMDB's 0664.
    // An option of lmdb-js's native open (src/env.cpp), missing from its typings.
    ...{ permissionsMode: FILE_MODE },
  })
  const store: Store = {
    env,
    meta: env.openDB<unknown, string>('meta', {}),
    sites: env.openDB<unknown, string>('sites', {}),
    siteDomains: env.openDB<string, string>('site_domains', {}),
    siteNums: env.openDB<string, number>('site_nums', {}),
    strings: env.openDB<number, Key[]>('strings', {}),
    stringIds: env.openDB<string, Key[]>('string_ids', {}),
    rollups: env.openDB<number, Key[]>('rollups', {}),
    events: env.openDB<unknown, Buffer>('events', { keyEncoding: 'binary' }),
    uniques: env.openDB<Buffer, Key[]>('uniques', { encoding: 'binary' }),
    dimUniques: env.openDB<Buffer, Key[]>('dim_uniques', { encoding: 'binary' }),
    packed: env.openDB<Buffer, Key[]>('packed', { encoding: 'binary' }),
    salts: env.openDB<Buffer, number>('salts', { encoding: 'binary' }),
    // Open sessions live in shared memory (src/sessions/table.ts) and this log. The earlier databases
    // `sessions` (msgpack) and `sessions_v2` (40-byte values) held only the open sessions of the last two
    // days; they are no longer read (the sessions open during an upgrade start again) and the server
    // empties them at start (`clearLegacySessions`, src/sessions/log.ts).
    sessionLog: env.openDB<Buffer, Buffer>('session_log', { keyEncoding: 'binary', encoding: 'binary' }),
    users: env.openDB<unknown, string>('users', {}),
    userEmails: env.openDB<string, string>('user_emails', {}),
    authSessions: env.openDB<unknown, string>('auth_sessions', {}),
    apiClients: env.openDB<unknown, Key[]>('api_clients', {}),
    apiTokens: env.openDB<Key[], string>('api_tokens', {}),
    memberships: env.openDB<string, Key[]>('memberships', {}),
    siteMembers: env.openDB<string, Key[]>('site_members', {}),
    goals: env.openDB<unknown, Key[]>('goals', {}),
    idempotency: env.openDB<number, Key[]>('idempotency', {}),
    async close() {
      await env.flushed
      await env.close()
    },
  }
  return store
}

/**
 * Read-add-write of a counter in `meta`, inside a write transaction (lmdb-js has no atomic increment:
 * https://github.com/kriszyp/lmdb-js/issues/244). Returns the first of the `count` reserved values.
 */
export function reserveSequence(store: Store, name: string, count = 1): number {
  const next = (store.meta.get(name) as number | undefined) ?? 1
  store.meta.put(name, next + count)
  return next
}
