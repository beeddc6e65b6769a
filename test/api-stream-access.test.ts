/**
 * An open event stream (`GET /api/sites/{id}/stream`) follows access: when its caller is removed from
 * the site, leaves it, signs out, has its API token deleted, or the site is deleted, the stream ends at
 * once — cleanly, and with no `stats` event after the revoking answer — while the other streams of the
 * site go on. A login session that simply expires ends its streams at their next push (with no figures
 * after the expiry) or, with nothing committed, at the next heartbeat.
 *
 * Each case watches a site of its own, so no commit of another case can push to it; "no `stats` after"
 * is shown by the owner's stream on the same site receiving the figures of events sent afterwards.
 */
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import { send } from './helpers/http.js'
import {
  addUser,
  call,
  createApiClient,
  createSite,
  GENEROUS,
  initialUser,
  login,
  startApiServer,
  type ApiServer,
} from './helpers/api.js'
import { waitFor } from './helpers/server.js'
import { openStream, type OpenedStream } from './helpers/sse.js'

/**
 * A stream that lost access ends within this (a generous bound for a loaded machine; it ends before the write answers).
 */
const END_WAIT_MS = 5000
/** The heartbeat (15 s, src/api/routes/realtime.ts) plus the session's 3 s and room for a loaded machine. */
const HEARTBEAT_WAIT_MS = 25_000

let api: ApiServer
let owner: string
const opened: OpenedStream[] = []

beforeAll(async () => {
  api = await startApiServer()
  owner = await initialUser(api.url)
})
afterAll(async () => {
  await api?.stop()
})
afterEach(() => {
  for (const s of opened.splice(0)) s.close()
})

const auth = (a: { cookie?: string; token?: string }): Record<string, string> =>
  a.token ? { Authorization: `Bearer ${a.token}` } : { Cookie: `hk_token=${a.cookie}` }

async function watch(base: string, site: string, a: { cookie?: string; token?: string }): Promise<OpenedStream> {
  const s = await openStream(`${base}/api/sites/${site}/stream`, auth(a))
  opened.push(s)
  expect(s.status, await (s.status === 200 ? '' : s.body())).toBe(200)
  await waitFor(() => s.events.length >= 1, END_WAIT_MS, 'the first stats event')
  return s
}

/** A site of its own with `email` as a viewer, signed in; returns the site, the viewer and the owner's stream. */
async function sharedSite(domain: string, email: string) {
  const site = (await createSite(api.url, owner, domain)).id
  const { id } = addUser(api.dataPath, email)
  const added = await call(api.url, 'POST', `/api/sites/${site}/members`, { cookie: owner }, { email, role: 'viewer' })
  expect(added.status, added.text).toBe(201)
  const viewer = { id, cookie: await login(api.url, email) }
  return { site, viewer, ownerStream: await watch(api.url, site, { cookie: owner }) }
}

const hit = (site: string, domain: string) =>
  send(`${api.url}/ingest/event`, {
    body: JSON.stringify({ site_id: site, name: 'signup', url: `https://${domain}/` }),
    headers: { 'Content-Type': 'application/json' },
  })

/**
 * After the revoking answer: the stream ends cleanly with nothing written or committed since — so not at
 * a later push, and well before its first heartbeat (15 s) — and sends nothing more: an event sent now
 * reaches the owner's stream of the same site as a fresh `stats`, never the revoked one.
 */
async function expectEndedWithNothingAfter(
  revoked: OpenedStream,
  ownerStream: OpenedStream,
  site: string,
  domain: string,
): Promise<void> {
  const seen = revoked.events.length
  await waitFor(() => revoked.closed(), END_WAIT_MS, 'the revoked stream to end')
  expect(revoked.ended()).toBe(true) // the last chunk came: a clean end, not a reset
  expect((await hit(site, domain)).status).toBe(202)
  await waitFor(
    () => ownerStream.events.some((e) => e.data.kpis.visitors >= 1),
    END_WAIT_MS,
    "the owner's stream to get the new figures",
  )
  expect(revoked.events.length).toBe(seen)
  expect(ownerStream.closed()).toBe(false)
}

test("a viewer removed by the owner: their stream ends, the owner's goes on", async () => {
  const { site, viewer, ownerStream } = await sharedSite('removed.example', 'removed@example.test')
  const stream = await watch(api.url, site, viewer)
  const removed = await call(api.url, 'DELETE', `/api/sites/${site}/members/${viewer.id}`, { cookie: owner })
  expect(removed.status, removed.text).toBe(204)
  await expectEndedWithNothingAfter(stream, ownerStream, site, 'removed.example')
})

test('a viewer who leaves the site: their stream ends', async () => {
  const { site, viewer, ownerStream } = await sharedSite('left.example', 'leaver@example.test')
  const stream = await watch(api.url, site, viewer)
  const left = await call(api.url, 'DELETE', `/api/sites/${site}/members/${viewer.id}`, { cookie: viewer.cookie })
  expect(left.status, left.text).toBe(204)
  await expectEndedWithNothingAfter(stream, ownerStream, site, 'left.example')
})

test('signing out ends the streams of that session only', async () => {
  const { site, viewer, ownerStream } = await sharedSite('logout.example', 'logout@example.test')
  const other = await login(api.url, 'logout@example.test')
  const stream = await watch(api.url, site, viewer)
  const otherStream = await watch(api.url, site, { cookie: other })
  const out = await call(api.url, 'POST', '/api/logout', { cookie: viewer.cookie })
  expect(out.status, out.text).toBe(200)
  await expectEndedWithNothingAfter(stream, ownerStream, site, 'logout.example')
  // The same user's other session keeps its stream and its figures.
  await waitFor(
    () => otherStream.events.some((e) => e.data.kpis.visitors >= 1),
    END_WAIT_MS,
    "the other session's stream to get the new figures",
  )
  expect(otherStream.closed()).toBe(false)
})

test('deleting an API client ends the streams of its token', async () => {
  const { site, viewer, ownerStream } = await sharedSite('token.example', 'token@example.test')
  const { client, token } = await createApiClient(api.url, viewer.cookie, [{ site_id: site, role: 'viewer' }])
  const stream = await watch(api.url, site, { token })
  const deleted = await call(api.url, 'DELETE', `/api/user/api-clients/${client.id}`, { cookie: viewer.cookie })
  expect(deleted.status, deleted.text).toBe(204)
  await expectEndedWithNothingAfter(stream, ownerStream, site, 'token.example')
})

test("a token follows its user: removing the user from the site ends the token's stream", async () => {
  const { site, viewer, ownerStream } = await sharedSite('token-user.example', 'token-user@example.test')
  const { token } = await createApiClient(api.url, viewer.cookie, [{ site_id: site, role: 'viewer' }])
  const stream = await watch(api.url, site, { token })
  expect((await call(api.url, 'DELETE', `/api/sites/${site}/members/${viewer.id}`, { cookie: owner })).status).toBe(204)
  await expectEndedWithNothingAfter(stream, ownerStream, site, 'token-user.example')
})

test('deleting the site ends every stream of it at once', async () => {
  const { site, viewer, ownerStream } = await sharedSite('deleted.example', 'deleted@example.test')
  const stream = await watch(api.url, site, viewer)
  expect((await call(api.url, 'DELETE', `/api/sites/${site}`, { cookie: owner })).status).toBe(204)
  await waitFor(() => stream.closed() && ownerStream.closed(), END_WAIT_MS, 'both streams to end')
  expect(stream.ended() && ownerStream.ended()).toBe(true)
})

test('a login session that expires: its stream ends at the next push, no figures after expiry, or at the heartbeat', {
  timeout: HEARTBEAT_WAIT_MS + 15_000,
}, async () => {
  const short = await startApiServer([...GENEROUS, '-auth-session-minutes', '0.05'])
  try {
    const cookie = await initialUser(short.url)
    const remembered = await login(short.url, 'owner@example.test', undefined, true)
    const [busy, quiet] = [
      (await createSite(short.url, cookie, 'busy.example')).id,
      (await createSite(short.url, cookie, 'quiet.example')).id,
    ]
    const pushed = await watch(short.url, busy, { cookie })
    const idle = await watch(short.url, quiet, { cookie })
    const control = await watch(short.url, busy, { cookie: remembered })
    await waitFor(
      async () => (await call(short.url, 'GET', '/api/me', { cookie })).status === 401,
      10_000,
      'the session to expire',
    )
    // A commit after the expiry: the remembered session's stream gets its figures, the expired one ends instead.
    const sent = await send(`${short.url}/ingest/event`, {
      body: JSON.stringify({ site_id: busy, name: 'signup', url: 'https://busy.example/' }),
      headers: { 'Content-Type': 'application/json' },
    })
    expect(sent.status).toBe(202)
    await waitFor(
      () => control.events.some((e) => e.data.kpis.visitors >= 1),
      END_WAIT_MS,
      "the remembered session's stream to get the new figures",
    )
    await waitFor(() => pushed.closed(), HEARTBEAT_WAIT_MS, "the expired session's stream to end")
    expect(pushed.ended()).toBe(true)
    expect(pushed.events.every((e) => e.data.kpis.visitors === 0)).toBe(true)
    // Nothing written, nothing committed for the quiet site: the heartbeat's check ends its stream.
    const seen = idle.events.length
    await waitFor(() => idle.closed(), HEARTBEAT_WAIT_MS, "the quiet site's stream to end")
    expect(idle.ended()).toBe(true)
    expect(idle.events.length).toBe(seen)
    expect(control.closed()).toBe(false)
  } finally {
    await short.stop()
  }
})
