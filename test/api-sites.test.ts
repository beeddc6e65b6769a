/**
 * Sites over the API: creation with validation (400 naming the field, 409 for a duplicate), the
 * creator's role, time-zone changes, and a delete that removes every byte stored about the site —
 * rollups, visitor sketches, raw events, sessions, goals — and nothing of any other site.
 */
import { loggedSessions } from '../src/sessions/log.js'
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { send } from './helpers/http.js'
import { CLI, waitFor } from './helpers/server.js'
import { storedEventCount, withStore } from './helpers/store.js'
import { call, createSite, expectError, initialUser, startApiServer, type ApiServer } from './helpers/api.js'
import type { Store } from '../src/store/open.js'

const BROWSER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'
let api: ApiServer
let cookie: string

beforeAll(async () => {
  api = await startApiServer()
  cookie = await initialUser(api.url)
})
afterAll(async () => {
  await api?.stop()
})

test('POST /api/sites → 201 {id, domain, timezone, created_at}; the creator is owner; GET lists it', async () => {
  const a = await call(
    api.url,
    'POST',
    '/api/sites',
    { cookie },
    { domain: 'Shop.Example.COM', timezone: 'Europe/Berlin' },
  )
  expect(a.status).toBe(201)
  const site = a.json()
  expect(site).toEqual({
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    domain: 'shop.example.com',
    timezone: 'Europe/Berlin',
    created_at: expect.any(String),
    role: 'owner',
  })
  expect((await call(api.url, 'GET', `/api/sites/${site.id}`, { cookie })).json()).toEqual(site)
  expect((await call(api.url, 'GET', '/api/sites', { cookie })).json()).toContainEqual(site)
  expect((await call(api.url, 'POST', '/api/sites', { cookie }, { domain: 'utc.example' })).json().timezone).toBe('UTC')
})

test.each([
  ['a scheme', { domain: 'https://example.org' }, 'domain'],
  ['a path', { domain: 'example.org/blog' }, 'domain'],
  ['a leading www.', { domain: 'www.example.org' }, 'domain'],
  ['a space', { domain: 'exa mple.org' }, 'domain'],
  ['an empty domain', { domain: '' }, 'domain'],
  ['no domain', {}, 'domain'],
  ['a number', { domain: 42 }, 'domain'],
  ['an unknown zone', { domain: 'ok.example', timezone: 'Mars/Olympus' }, 'timezone'],
])('%s → 400 naming the field', async (_label, body, field) => {
  const a = await call(api.url, 'POST', '/api/sites', { cookie }, body)
  expectError(a, 400, 'invalid_field')
  expect(a.json().field).toBe(field)
})

test('a duplicate domain → 409, whatever its case', async () => {
  await createSite(api.url, cookie, 'dup.example')
  expectError(await call(api.url, 'POST', '/api/sites', { cookie }, { domain: 'DUP.example' }), 409, 'duplicate_domain')
})

test('PATCH changes the zone (400 for an unknown one); GET of an unknown id is 404', async () => {
  const site = await createSite(api.url, cookie, 'tz.example')
  expect(
    (await call(api.url, 'PATCH', `/api/sites/${site.id}`, { cookie }, { timezone: 'Asia/Kathmandu' })).json().timezone,
  ).toBe('Asia/Kathmandu')
  expect((await call(api.url, 'GET', `/api/sites/${site.id}`, { cookie })).json().timezone).toBe('Asia/Kathmandu')
  expectError(
    await call(api.url, 'PATCH', `/api/sites/${site.id}`, { cookie }, { timezone: 'Nowhere/Land' }),
    400,
    'invalid_field',
  )
  expectError(await call(api.url, 'GET', '/api/sites/no-such-site', { cookie }), 404, 'unknown_site')
})

/** Entries stored under a site number, per database. */
function footprint(store: Store, num: number) {
  const prefix = Buffer.alloc(4)
  prefix.writeUInt32BE(num)
  const next = Buffer.alloc(4)
  next.writeUInt32BE(num + 1)
  let sessions = 0
  for (const { key } of loggedSessions(store)) if (key.site === num) sessions++
  return {
    rollups: store.rollups.getKeysCount({ start: [num], end: [num + 1] }),
    uniques: store.uniques.getKeysCount({ start: [num], end: [num + 1] }),
    dimUniques: store.dimUniques.getKeysCount({ start: [num], end: [num + 1] }),
    events: store.events.getKeysCount({ start: prefix, end: next }),
    sessions,
  }
}

test('DELETE removes the site and all its data, and leaves the other sites alone', async () => {
  const doomed = await createSite(api.url, cookie, 'doomed.example')
  const kept = await createSite(api.url, cookie, 'kept.example')
  await call(
    api.url,
    'POST',
    `/api/sites/${doomed.id}/goals`,
    { cookie },
    { name: 'Signup', type: 'event', value: 'signup' },
  )
  const before = storedEventCount(api.dataPath)
  for (const [siteId, domain] of [
    [doomed.id, 'doomed.example'],
    [kept.id, 'kept.example'],
  ]) {
    for (const body of [
      { site_id: siteId, url: `https://${domain}/` },
      { site_id: siteId, url: `https://${domain}/pricing` },
      { site_id: siteId, name: 'signup', url: `https://${domain}/`, props: { plan: 'pro' } },
    ]) {
      const path = 'name' in body ? '/ingest/event' : '/ingest'
      const a = await send(`${api.url}${path}`, {
        body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA },
      })
      expect(a.status).toBe(202)
      expect(a.headers['x-hitring-drop']).toBeUndefined()
    }
  }
  await waitFor(() => storedEventCount(api.dataPath) === before + 6, 3000, 'six events stored')
  const nums = withStore(api.dataPath, (s) =>
    [doomed.id, kept.id].map((id) => (s.sites.get(id) as { num: number }).num),
  )
  const [doomedBefore, keptBefore] = withStore(api.dataPath, (s) => nums.map((n) => footprint(s, n)))
  for (const n of Object.values(doomedBefore!)) expect(n).toBeGreaterThan(0)

  expect((await call(api.url, 'DELETE', `/api/sites/${doomed.id}`, { cookie })).status).toBe(204)
  const [doomedAfter, keptAfter] = withStore(api.dataPath, (s) => nums.map((n) => footprint(s, n)))
  expect(doomedAfter).toEqual({ rollups: 0, uniques: 0, dimUniques: 0, events: 0, sessions: 0 })
  expect(keptAfter).toEqual(keptBefore)
  withStore(api.dataPath, (s) => {
    expect(s.siteDomains.get('doomed.example')).toBeUndefined()
    expect(s.siteNums.get(nums[0]!)).toBeUndefined()
    expect(s.goals.getKeysCount({ start: [doomed.id], end: [doomed.id, '\uffff'] })).toBe(0)
  })

  expectError(await call(api.url, 'GET', `/api/sites/${doomed.id}`, { cookie }), 404, 'unknown_site')
  expectError(await call(api.url, 'DELETE', `/api/sites/${doomed.id}`, { cookie }), 404, 'unknown_site')
  expect((await call(api.url, 'GET', '/api/sites', { cookie })).json().map((s: any) => s.domain)).not.toContain(
    'doomed.example',
  )
  // The domain is free again.
  expect((await call(api.url, 'POST', '/api/sites', { cookie }, { domain: 'doomed.example' })).status).toBe(201)
})

test('a time-zone change rebuilds the day and month figures: the recount still matches', async () => {
  const site = await createSite(api.url, cookie, 'rezoned.example')
  const before = storedEventCount(api.dataPath)
  for (const path of ['/', '/a', '/b']) {
    const body = JSON.stringify({ site_id: site.id, url: `https://rezoned.example${path}` })
    expect(
      (
        await send(`${api.url}/ingest`, {
          body,
          headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA },
        })
      ).status,
    ).toBe(202)
  }
  await waitFor(() => storedEventCount(api.dataPath) === before + 3, 3000, 'three pageviews stored')
  const zoned = await call(api.url, 'PATCH', `/api/sites/${site.id}`, { cookie }, { timezone: 'Pacific/Chatham' })
  expect(zoned.status).toBe(200)
  const verify = spawnSync(process.execPath, [CLI, 'verify', '-data-path', api.dataPath], { encoding: 'utf8' })
  expect(verify.stderr).toBe('')
  expect(verify.status).toBe(0)
  expect((await call(api.url, 'GET', `/api/sites/${site.id}/stats`, { cookie })).json().kpis.pageviews).toBe(3)
})
