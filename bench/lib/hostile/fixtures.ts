/**
 * What the fuzzer needs to reach the authenticated paths: two accounts (made with `hitring user add`
 * before the server starts), a signed-in session, sites, an API token with the owner role, a goal, a
 * member, and the names of the hashed tracker and dashboard assets.
 *
 * Cases that destroy what they reach are aimed at fixtures made to be destroyed: `DELETE /api/sites/{id}`
 * at `doomedSiteId`, `POST /api/logout` at `spareCookie`, `DELETE …/api-clients/{id}` at
 * `spareClientId`; writes (exclusions, time zone, goals, members) at `victimSiteId`. The main site keeps
 * receiving events and answering stats for the whole run.
 * @module
 */
import { execFileSync } from 'node:child_process'

export const FUZZ_PASSWORD = 'fuzz password 0123'
export const OWNER_EMAIL = 'owner@fuzz.test'
export const MEMBER_EMAIL = 'member@fuzz.test'
/** The site the run deletes (early: the first DELETE case with the session) while a few events still go to it. */
export const DOOMED_DOMAIN = 'doomed.example'

/** Limits raised so that no case is refused by a rate limiter before it reaches its handler. */
export const FUZZ_SERVER_ARGS = [
  '-ingest-rate',
  '1000000000',
  '-ingest-burst',
  '1000000',
  '-api-rate',
  '1000000000',
  '-api-burst',
  '1000000',
  '-auth-rate',
  '1000000000',
  '-auth-burst',
  '1000000',
  '-server-ingest-rate',
  '1000000000',
  '-server-ingest-burst',
  '10000000',
  // Open event streams are capped per user and per IP (429 too_many_streams): a cap, like the rates.
  '-stream-max-per-user',
  '100000',
  '-stream-max-per-ip',
  '100000',
  // X-Forwarded-For from loopback is believed, so hostile X-Forwarded-For values reach the parser.
  '-trusted-proxies',
  '127.0.0.1/32',
]

/** Creates the two accounts in `dataPath` (before the server starts: the first one owns the instance). */
export function prepareAccounts(cli: string, dataPath: string): void {
  for (const email of [OWNER_EMAIL, MEMBER_EMAIL]) {
    execFileSync(
      process.execPath,
      [cli, 'user', 'add', '--email', email, '--password', FUZZ_PASSWORD, '-data-path', dataPath],
      { stdio: 'ignore' },
    )
  }
}

export interface Fixtures {
  siteId: string
  siteDomain: string
  victimSiteId: string
  doomedSiteId: string
  cookie: string
  spareCookie: string
  token: string
  spareClientId: string
  goalId: string
  memberUserId: string
  ownerUserId: string
  trackerHash: string
  assetNames: string[]
}

async function call(base: string, method: string, path: string, body?: unknown, cookie?: string): Promise<Response> {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (cookie) headers.cookie = `hk_token=${cookie}`
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  })
  if (res.status >= 300 && res.status !== 304)
    throw new Error(`fixture ${method} ${path}: ${res.status} ${await res.text()}`)
  return res
}

const cookieOf = (res: Response): string => /hk_token=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? ''

export async function setUpFixtures(base: string): Promise<Fixtures> {
  const login = () => call(base, 'POST', '/api/login', { email: OWNER_EMAIL, password: FUZZ_PASSWORD })
  const cookie = cookieOf(await login())
  const spareCookie = cookieOf(await login())
  const me = (await (await call(base, 'GET', '/api/me', undefined, cookie)).json()) as { id: string }
  const site = async (domain: string) =>
    ((await (await call(base, 'POST', '/api/sites', { domain }, cookie)).json()) as { id: string }).id
  const siteDomain = 'fuzz.example'
  const siteId = await site(siteDomain)
  const victimSiteId = await site('victim.example')
  const doomedSiteId = await site(DOOMED_DOMAIN)
  const roles = [siteId, victimSiteId, doomedSiteId].map((site_id) => ({ site_id, role: 'owner' }))
  const client = async (name: string) =>
    (await (await call(base, 'POST', '/api/user/api-clients', { name, site_roles: roles }, cookie)).json()) as {
      client: { id: string }
      token: string
    }
  const { token } = await client('fuzz')
  const spareClientId = (await client('spare')).client.id
  const goal = (await (
    await call(base, 'POST', `/api/sites/${victimSiteId}/goals`, { name: 'g', type: 'event', value: 'signup' }, cookie)
  ).json()) as { id: string }
  const member = (await (
    await call(base, 'POST', `/api/sites/${victimSiteId}/members`, { email: MEMBER_EMAIL, role: 'viewer' }, cookie)
  ).json()) as { user_id: string }
  const tracker = await call(base, 'GET', '/hk.js')
  const trackerHash = /hk\.([0-9a-f]+)\.js/.exec(tracker.headers.get('content-location') ?? '')?.[1] ?? ''
  const shell = await (await call(base, 'GET', '/')).text()
  const assetNames = [...new Set([...shell.matchAll(/assets\/([\w.-]+)/g)].map((m) => m[1]!))]
  return {
    siteId,
    siteDomain,
    victimSiteId,
    doomedSiteId,
    cookie,
    spareCookie,
    token,
    spareClientId,
    goalId: goal.id,
    memberUserId: member.user_id,
    ownerUserId: me.id,
    trackerHash,
    assetNames,
  }
}
