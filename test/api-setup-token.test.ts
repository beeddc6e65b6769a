/**
 * First-run set-up cannot be taken over: `POST /api/initial-user` needs the one-time set-up token that
 * only the operator sees (the `dashboard:` line of the start-up log, or `hitring setup-url`). Without it,
 * or with a wrong one, 403 `invalid_setup_token` and no user; with it, 201, once. `setup-url` makes a new
 * token while the server runs (the old one stops working) and, once a user exists, says where to sign in
 * and exits 1. Only the token's SHA-256 is on disk. There is no exception for loopback: these requests
 * all come from 127.0.0.1.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { CLI, setupToken, startServer, tempDataDir } from './helpers/server.js'
import { addUser, call, expectError, GENEROUS, PASSWORD, startApiServer, type ApiServer } from './helpers/api.js'
import { withStore } from './helpers/store.js'
import { hasAnyUser } from '../src/accounts/users.js'
import { SETUP_TOKEN_KEY } from '../src/accounts/setup-token.js'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function start(): Promise<ApiServer> {
  const api = await startApiServer()
  cleanups.push(() => api.stop())
  return api
}

const setUp = (url: string, body: Record<string, unknown>) =>
  call(url, 'POST', '/api/initial-user', {}, { email: 'owner@example.test', password: PASSWORD, ...body })

const setupUrl = (dataPath: string, extra: string[] = []) =>
  spawnSync(process.execPath, [CLI, 'setup-url', '-data-path', dataPath, ...extra], {
    encoding: 'utf8',
    timeout: 15_000,
  })

const tokenOf = (link: string) => new URL(link.trim()).searchParams.get('token')!

const userExists = (dataPath: string) => withStore(dataPath, hasAnyUser)

test('without a token: 403 invalid_setup_token saying where the link is, and no user is created', async () => {
  const api = await start()
  for (const body of [{}, { setup_token: '' }]) {
    const a = await setUp(api.url, body)
    expectError(a, 403, 'invalid_setup_token')
    expect(a.json().field).toBe('setup_token')
    expect(a.json().message).toMatch(/start-up log/)
    expect(a.json().message).toMatch(/hitring setup-url/)
  }
  expect(userExists(api.dataPath)).toBe(false)
  // The set-up is still open to the operator.
  expect((await setUp(api.url, { setup_token: await setupToken(api.url) })).status).toBe(201)
})

test('with a wrong token — of the right shape, or the hash that is stored — 403 and no user', async () => {
  const api = await start()
  const right = await setupToken(api.url)
  const wrong = [
    `hru_${'A'.repeat(43)}`,
    right.slice(0, -1) + (right.endsWith('A') ? 'B' : 'A'),
    createHash('sha256').update(right).digest('hex'),
    right.toUpperCase(),
  ]
  for (const setup_token of wrong) expectError(await setUp(api.url, { setup_token }), 403, 'invalid_setup_token')
  expect(userExists(api.dataPath)).toBe(false)
})

test('the token of the start-up log creates the owner (201, signed in); it works once', async () => {
  const api = await start()
  const setup_token = await setupToken(api.url)
  const first = await setUp(api.url, { setup_token })
  expect(first.status, first.text).toBe(201)
  expect(first.json().user).toMatchObject({ email: 'owner@example.test', instance_owner: true })
  expectError(await setUp(api.url, { email: 'second@example.test', setup_token }), 409, 'setup_complete')
  // Deleted with the first user, in the same transaction.
  expect(withStore(api.dataPath, (s) => s.meta.get(SETUP_TOKEN_KEY))).toBeUndefined()
})

test('hitring setup-url while the server runs: its new token works, the one of the start-up log does not', async () => {
  const api = await start()
  const old = await setupToken(api.url)
  const r = setupUrl(api.dataPath, ['-public-url', 'https://stats.example.test'])
  expect(r.status, r.stderr).toBe(0)
  expect(r.stdout).toMatch(/^https:\/\/stats\.example\.test\/setup\?token=hru_[\w-]{43}\n$/)
  expect(r.stderr).toMatch(/no longer work/)
  const fresh = tokenOf(r.stdout)
  expect(fresh).not.toBe(old)
  expectError(await setUp(api.url, { setup_token: old }), 403, 'invalid_setup_token')
  expect((await setUp(api.url, { setup_token: fresh })).status).toBe(201)
})

test('hitring setup-url once a user exists: "setup is complete; sign in at …", exit 1, nothing written', async () => {
  const api = await start()
  expect((await setUp(api.url, { setup_token: await setupToken(api.url) })).status).toBe(201)
  const r = setupUrl(api.dataPath, ['-public-url', 'https://stats.example.test'])
  expect(r.status).toBe(1)
  expect(r.stderr).toContain('setup is complete; sign in at https://stats.example.test/login')
  expect(r.stdout).toBe('')
  expect(withStore(api.dataPath, (s) => s.meta.get(SETUP_TOKEN_KEY))).toBeUndefined()
})

test('hitring user add of the first user deletes the set-up token too: its link is dead', async () => {
  const api = await start()
  const setup_token = await setupToken(api.url)
  addUser(api.dataPath, 'cli@example.test')
  expect(withStore(api.dataPath, (s) => s.meta.get(SETUP_TOKEN_KEY))).toBeUndefined()
  expectError(await setUp(api.url, { setup_token }), 409, 'setup_complete')
})

test('hitring setup-url on a directory without a store: exit code 2, and no directory is made', () => {
  const dir = tempDataDir()
  cleanups.push(() => dir.remove())
  const missing = join(dir.path, 'no-such-store')
  const r = setupUrl(missing)
  expect(r.status).toBe(2)
  expect(r.stderr).toMatch(/no store at .*no-such-store/)
  expect(existsSync(missing)).toBe(false)
})

test('a restart makes a fresh token: the link of the previous start stops working', async () => {
  const dir = tempDataDir()
  cleanups.push(() => dir.remove())
  const first = await startServer(dir.path, GENEROUS)
  const before = await setupToken(first.url)
  expect(await first.stop()).toBe(0)
  const second = await startServer(dir.path, GENEROUS)
  cleanups.push(() => second.stop())
  const after = await setupToken(second.url)
  expect(after).not.toBe(before)
  expectError(await setUp(second.url, { setup_token: before }), 403, 'invalid_setup_token')
  expect((await setUp(second.url, { setup_token: after })).status).toBe(201)
})

test('only the SHA-256 of the token is stored: the token is in no LMDB file', async () => {
  const api = await start()
  const token = await setupToken(api.url)
  const hash = createHash('sha256').update(token).digest('hex')
  expect(withStore(api.dataPath, (s) => s.meta.get(SETUP_TOKEN_KEY))).toBe(hash)
  const files = readdirSync(api.dataPath).map((f) => readFileSync(join(api.dataPath, f)))
  expect(files.length).toBeGreaterThan(0)
  // The control: the hash is found by this very scan.
  expect(files.some((f) => f.includes(hash))).toBe(true)
  const secret = token.slice('hru_'.length)
  for (const f of files) {
    expect(f.includes(secret)).toBe(false)
    expect(f.includes(Buffer.from(secret, 'base64url'))).toBe(false)
  }
})

test('--help lists hitring setup-url', () => {
  const r = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8', timeout: 15_000 })
  expect(r.status).toBe(0)
  expect(r.stdout).toMatch(/hitring setup-url +print a new one-time link that creates the first account/)
})
