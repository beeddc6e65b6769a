/**
 * `hitring user add`: `--password-stdin` reads the password from standard input (one trailing newline
 * dropped), so it never shows in the process list; the user then signs in over HTTP with it.
 */
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { call, initialUser, login, startApiServer, type ApiServer } from './helpers/api.js'
import { CLI } from './helpers/server.js'

let api: ApiServer

beforeAll(async () => {
  api = await startApiServer()
  await initialUser(api.url)
})
afterAll(async () => {
  await api?.stop()
})

const userAdd = (args: string[], input?: string) =>
  spawnSync(process.execPath, [CLI, 'user', 'add', ...args, '-data-path', api.dataPath], {
    encoding: 'utf8',
    input,
    timeout: 15_000,
  })

test('--password-stdin: the password comes from standard input, without its trailing newline', async () => {
  const r = userAdd(['--email', 'stdin@example.test', '--password-stdin'], 'piped secret phrase\n')
  expect(r.status, r.stderr).toBe(0)
  expect(JSON.parse(r.stdout)).toMatchObject({ email: 'stdin@example.test', instance_owner: false })
  expect(r.stdout).not.toContain('piped secret phrase')
  await login(api.url, 'stdin@example.test', 'piped secret phrase')
  const withNewline = await call(
    api.url,
    'POST',
    '/api/login',
    {},
    { email: 'stdin@example.test', password: 'piped secret phrase\n' },
  )
  expect(withNewline.status).toBe(401)
})

test('a CRLF line ending is dropped too; spaces inside and at the end are kept', async () => {
  const r = userAdd(['--email', 'crlf@example.test', '--password-stdin'], ' spaced  password \r\n')
  expect(r.status, r.stderr).toBe(0)
  await login(api.url, 'crlf@example.test', ' spaced  password ')
})

test('--password still works (the documented contract)', async () => {
  const r = userAdd(['--email', 'argv@example.test', '--password', 'an argv password'])
  expect(r.status, r.stderr).toBe(0)
  await login(api.url, 'argv@example.test', 'an argv password')
})

test.each([
  [
    ['--email', 'both@example.test', '--password', 'long enough pw', '--password-stdin'],
    'long enough pw\n',
    /usage: hitring user add/,
  ],
  [['--email', 'none@example.test'], undefined, /--password-stdin/],
  [['--email', 'short@example.test', '--password-stdin'], 'short\n', /8 to/],
  [['--email', 'empty@example.test', '--password-stdin'], '', /8 to/],
])('user add %j is refused with exit code 2', (args, input, message) => {
  const r = userAdd(args, input)
  expect(r.status).toBe(2)
  expect(r.stderr).toMatch(message)
})

test('--help offers --password-stdin and warns that --password is visible to other local users', () => {
  const r = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' })
  expect(r.status).toBe(0)
  expect(r.stdout).toContain('hitring user add --email E --password-stdin')
  expect(r.stdout).toMatch(/--password P\n.*visible to other local users/)
})
