/**
 * Helpers for the REST API suites: a built server with generous limits (unless a test sets its own), the
 * first user signed in, and small wrappers that send JSON with the session cookie or an API token.
 */
import { execFileSync } from 'node:child_process'
import { expect } from 'vitest'
import { CLI, setupToken, startServer, tempDataDir, type ServerProcess } from './server.js'
import { send, type Answer } from './http.js'

export const PASSWORD = 'correct horse battery'

/** Limits high enough that suites are never throttled by accident; a test of the limits passes its own. */
export const GENEROUS = ['-api-rate', '1000', '-api-burst', '1000', '-auth-rate', '1000', '-auth-burst', '1000']

export interface ApiServer {
  server: ServerProcess
  url: string
  dataPath: string
  stop(): Promise<void>
}

export async function startApiServer(
  args: string[] = GENEROUS,
  env: NodeJS.ProcessEnv = {},
  prepare?: (dataPath: string) => void,
): Promise<ApiServer> {
  const dir = tempDataDir()
  prepare?.(dir.path)
  const server = await startServer(dir.path, args, env)
  return {
    server,
    url: server.url,
    dataPath: dir.path,
    async stop() {
      await server.stop()
      dir.remove()
    },
  }
}

export interface Auth {
  cookie?: string
  token?: string
  /** Send the token as X-Api-Key instead of Authorization: Bearer. */
  apiKey?: boolean
}

/** One API request; `body` is JSON-encoded unless it is already a string. */
export function call(
  base: string,
  method: string,
  path: string,
  auth: Auth = {},
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const h: Record<string, string> = { ...headers }
  if (auth.cookie) h.Cookie = `hk_token=${auth.cookie}`
  if (auth.token) {
    if (auth.apiKey) h['X-Api-Key'] = auth.token
    else h.Authorization = `Bearer ${auth.token}`
  }
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  if (text !== undefined) {
    h['Content-Type'] ??= 'application/json'
    // node:http frames a DELETE body with neither Content-Length nor chunking unless told: say it.
    h['Content-Length'] = String(Buffer.byteLength(text))
  }
  return send(`${base}${path}`, { method, headers: h, body: text })
}

/** The hk_token value of a Set-Cookie answer. */
export function sessionCookieOf(a: Answer): string {
  const raw = a.headers['set-cookie']
  const line = (Array.isArray(raw) ? raw : [raw ?? '']).find((c) => c.startsWith('hk_token='))
  if (!line) throw new Error(`no hk_token cookie in ${JSON.stringify(raw)}`)
  return line.slice('hk_token='.length).split(';', 1)[0]!
}

export async function login(base: string, email: string, password = PASSWORD, rememberMe?: boolean): Promise<string> {
  const a = await call(
    base,
    'POST',
    '/api/login',
    {},
    { email, password, ...(rememberMe === undefined ? {} : { remember_me: rememberMe }) },
  )
  expect(a.status, a.text).toBe(200)
  return sessionCookieOf(a)
}

/** The first user through the API, with the set-up token of the server's start-up log; returns their session cookie. */
export async function initialUser(base: string, email = 'owner@example.test', password = PASSWORD): Promise<string> {
  const a = await call(base, 'POST', '/api/initial-user', {}, { email, password, setup_token: await setupToken(base) })
  expect(a.status, a.text).toBe(201)
  return sessionCookieOf(a)
}

/** `hitring user add` in its own process, as an operator would. */
export function addUser(dataPath: string, email: string, password = PASSWORD): { id: string; email: string } {
  return JSON.parse(
    execFileSync(
      process.execPath,
      [CLI, 'user', 'add', '--email', email, '--password', password, '-data-path', dataPath],
      { encoding: 'utf8' },
    ),
  )
}

export async function createSite(
  base: string,
  cookie: string,
  domain: string,
  timezone?: string,
): Promise<{ id: string; domain: string; timezone: string }> {
  const a = await call(base, 'POST', '/api/sites', { cookie }, { domain, ...(timezone ? { timezone } : {}) })
  expect(a.status, a.text).toBe(201)
  return a.json()
}

/** A goal on `site` made over the API (201 expected); returns it with its `id`. */
export async function createGoal(
  base: string,
  cookie: string,
  site: string,
  goal: { name: string; type: 'event' | 'path'; value: string },
): Promise<{ id: string; name: string; type: string; value: string }> {
  const a = await call(base, 'POST', `/api/sites/${site}/goals`, { cookie }, goal)
  expect(a.status, a.text).toBe(201)
  return a.json()
}

export async function createApiClient(
  base: string,
  cookie: string,
  siteRoles: Array<{ site_id: string; role: string }>,
  name = 'script',
): Promise<{ client: { id: string }; token: string }> {
  const a = await call(base, 'POST', '/api/user/api-clients', { cookie }, { name, site_roles: siteRoles })
  expect(a.status, a.text).toBe(201)
  return a.json()
}

/** Every refusal: JSON with a string `code` and `message`, and fields consistent with `field`. */
export function expectError(a: Answer, status: number, code?: string): void {
  expect(a.status, a.text).toBe(status)
  expect(a.headers['content-type']).toBe('application/json')
  const body = a.json()
  expect(typeof body.code).toBe('string')
  expect(typeof body.message).toBe('string')
  if (code !== undefined) expect(body.code).toBe(code)
  if (body.fields !== undefined) expect(body.field).toBe(body.fields[0].field)
}
