/**
 * HitKeep's tracker payloads over HTTP (HitKeep 2.8.1's tracker, github.com/PascaleBeier/hitkeep):
 * `POST /ingest` `{path, referrer, ua, vp_w, …, session_id, page_id, tsrc, tv}` and `POST /ingest/event`
 * `{n, p, r, sid, tsrc, tv}`, the site from the `Origin`, are stored and counted like hitring's own
 * bodies, the page URL rebuilt from the Origin and `path`; HitKeep's quirks are fixed rather than copied,
 * and refusals name HitKeep's fields.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { send, type Answer } from './helpers/http.js'
import { addSite, startServer, tempDataDir, type ServerProcess, cleanupsAfterAll } from './helpers/server.js'
import { call, initialUser } from './helpers/api.js'
import { waitStored } from './helpers/store.js'

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'
const HEADLESS =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36'
const ORIGIN = 'https://www.shop.example'
const SID = '2b1f3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'

const cleanups = cleanupsAfterAll()

let server: ServerProcess
let dataPath: string
let siteId: string
let ipNo = 0

beforeAll(async () => {
  const dir = tempDataDir()
  cleanups.push(() => dir.remove())
  dataPath = dir.path
  siteId = addSite(dataPath, 'shop.example')
  server = await startServer(dataPath, ['-trusted-proxies', '127.0.0.1/32', '-ingest-burst', '1000'])
  cleanups.push(() => server.stop())
})

/** HitKeep's pageview as its tracker builds it (spec §5.4), for a landing from a newsletter. */
function pageviewBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    path: '/pricing',
    referrer: 'https://news.example/article?id=7',
    ua: CHROME,
    vp_w: 1280,
    vp_h: 720,
    sc_w: 1280,
    sc_h: 800,
    lang: 'en-US',
    u_src: 'newsletter',
    u_med: 'email',
    u_cmp: 'spring',
    u_trm: null,
    u_cnt: null,
    qr: null,
    unique: true,
    session_id: SID,
    page_id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    tsrc: 'hk.js',
    tv: '2.8.1',
    ...over,
  }
}

interface PostOptions {
  origin?: string | null
  ua?: string
  /** The client address (X-Forwarded-For from the trusted loopback); a new one per request by default. */
  ip?: string
}

/** What HitKeep's tracker sends: a JSON body, the page's Origin, the browser's User-Agent. */
function post(path: '/ingest' | '/ingest/event', body: unknown, o: PostOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': o.ua ?? CHROME,
    'X-Forwarded-For': o.ip ?? `198.51.100.${++ipNo}`,
  }
  if (o.origin !== null) headers.Origin = o.origin ?? ORIGIN
  return send(`${server.url}${path}`, { body: JSON.stringify(body), headers })
}

function expectRefused(a: Answer, field: string, message?: RegExp): void {
  expect(a.status, a.text).toBe(400)
  const body = a.json()
  expect(body.code).toBe('invalid_field')
  expect(body.fields.map((f: { field: string }) => f.field)).toContain(field)
  if (message) expect(body.fields.find((f: { field: string }) => f.field === field).message).toMatch(message)
}

describe('accepted and counted like our own payloads', () => {
  test('HitKeep’s pageview and event: stored with path, UTM, referrer, screen class, a session; in stats', async () => {
    const ip = '203.0.113.10'
    const pv = await post('/ingest', pageviewBody(), { ip })
    expect(pv.status, pv.text).toBe(202)
    expect(pv.headers['x-hitring-drop']).toBeUndefined()
    expect(pv.text).toBe('')
    const ev = await post(
      '/ingest/event',
      {
        n: 'signup',
        p: { plan: 'pro', seats: 3, annual: true },
        r: 'https://news.example/article?id=7',
        sid: SID,
        tsrc: 'hk.js',
        tv: '2.8.1',
      },
      { ip },
    )
    expect(ev.status, ev.text).toBe(202)
    expect(ev.headers['x-hitring-drop']).toBeUndefined()

    const [page] = await waitStored(dataPath, (e) => e.kind === 0 && e.path === '/pricing', 1, 'the pageview')
    expect(page).toMatchObject({
      // The u_* fields become the page URL's UTM tags.
      query: 'utm_source=newsletter&utm_medium=email&utm_campaign=spring',
      utmSource: 'newsletter',
      utmMedium: 'email',
      utmCampaign: 'spring',
      referrer: 'https://news.example/article?id=7',
      referrerHost: 'news.example',
      screen: 'laptop',
    })
    const [event] = await waitStored(dataPath, (e) => e.kind === 1 && e.name === 'signup', 1, 'the event')
    expect(event!.props).toEqual({ plan: 'pro', seats: 3, annual: true })
    // HitKeep's events carry no page: stored at the site's root.
    expect(event!.path).toBe('/')
    // session_id and sid are the same tab: one visit.
    expect(event!.session).toBe(page!.session)

    const cookie = await initialUser(server.url)
    const stats = await call(server.url, 'GET', `/api/sites/${siteId}/stats`, { cookie })
    expect(stats.status, stats.text).toBe(200)
    const s = stats.json()
    expect(s.top.pages).toEqual([expect.objectContaining({ name: '/pricing', value: 1 })])
    expect(s.top.utm_source).toEqual([{ name: 'newsletter', value: 1 }])
    expect(s.top.utm_campaign).toEqual([{ name: 'spring', value: 1 }])
    expect(s.top.sources).toEqual([{ name: 'newsletter', value: 1 }])
    expect(s.events).toEqual([{ name: 'signup', total: 1, visitors: 1 }])
    const plans = await call(server.url, 'GET', `/api/sites/${siteId}/events/signup/properties/plan`, { cookie })
    expect(plans.json().map((v: { value: string; total: number }) => [v.value, v.total])).toEqual([['pro', 1]])
    const metrics = await send(`${server.url}/metrics`, { method: 'GET' })
    expect(metrics.text).toMatch(/^hitring_ingest_accepted_total\{kind="pageview"\} [1-9]/m)
    expect(metrics.text).toMatch(/^hitring_ingest_accepted_total\{kind="event"\} [1-9]/m)
  })

  test("a tag in path's query wins over the u_* field; other u_* fields fill in; a fragment is dropped", async () => {
    const a = await post(
      '/ingest',
      pageviewBody({
        path: '/tagged?utm_source=page&x=1#top',
        u_src: 'tracker',
        u_med: ' cpc ',
        u_cmp: '',
        u_trm: 'a b&c',
      }),
    )
    expect(a.status, a.text).toBe(202)
    const [e] = await waitStored(dataPath, (e) => e.path === '/tagged', 1, 'the tagged pageview')
    expect(e!.query).toBe('utm_source=page&x=1&utm_medium=cpc&utm_term=a%20b%26c')
    expect(e).toMatchObject({ utmSource: 'page', utmMedium: 'cpc', utmCampaign: '' })
  })

  test('unstored fields are checked or ignored, never refusing a pageview (qr, page_id, unique, tsrc)', async () => {
    const a = await post(
      '/ingest',
      pageviewBody({
        path: '/ignored',
        qr: 'not-a-uuid',
        page_id: 'nope',
        unique: 'yes',
        tsrc: 7,
        tv: null,
        lang: 'zh-Hant-TW',
      }),
    )
    expect(a.status, a.text).toBe(202)
    await waitStored(dataPath, (e) => e.path === '/ignored', 1, 'the pageview with odd ignored fields')
  })

  test('text/plain bodies too (what a beacon of a string sends)', async () => {
    const a = await send(`${server.url}/ingest/event`, {
      body: JSON.stringify({ n: 'plain', p: {}, r: null, sid: SID }),
      headers: {
        'Content-Type': 'text/plain;charset=UTF-8',
        Origin: ORIGIN,
        'User-Agent': CHROME,
        'X-Forwarded-For': '198.51.100.250',
      },
    })
    expect(a.status, a.text).toBe(202)
    const [e] = await waitStored(dataPath, (e) => e.name === 'plain', 1, 'the text/plain event')
    expect(e!.props).toBeNull()
  })
})

describe("HitKeep's quirks, fixed", () => {
  test('no session id (or the nil UUID) is not one shared session: each visitor gets its own visit', async () => {
    const NIL = '00000000-0000-0000-0000-000000000000'
    for (const [i, sessionId] of [undefined, NIL, null].entries()) {
      const a = await post('/ingest', pageviewBody({ path: '/no-session', session_id: sessionId }), {
        ip: `192.0.2.${20 + i}`,
      })
      expect(a.status, a.text).toBe(202)
    }
    // The same visitor (address and browser) again, with no session id: its visit continues.
    expect(
      (await post('/ingest', pageviewBody({ path: '/no-session', session_id: undefined }), { ip: '192.0.2.20' }))
        .status,
    ).toBe(202)
    const stored = await waitStored(dataPath, (e) => e.path === '/no-session', 4, 'four pageviews without a session id')
    const sessions = stored.map((e) => e.session)
    expect(new Set(sessions.slice(0, 3)).size).toBe(3)
    expect(sessions[3]).toBe(sessions[0])
  })

  test('an event with an empty or missing name is refused, naming n', async () => {
    expectRefused(await post('/ingest/event', { n: '', p: {}, r: null, sid: SID }), 'n', /must not be empty/)
    expectRefused(await post('/ingest/event', { n: '   ', p: {}, sid: SID }), 'n', /must not be empty/)
    // hk.event() with no name: JSON.stringify leaves `n` out.
    expectRefused(await post('/ingest/event', { p: {}, r: null, sid: SID, tsrc: 'hk.js', tv: '' }), 'n', /is required/)
  })

  test("the body's ua is not believed: the User-Agent header decides what is a bot", async () => {
    const spoofedBot = await post(
      '/ingest',
      pageviewBody({ path: '/ua-body-bot', ua: 'Googlebot/2.1 (+http://www.google.com/bot.html)' }),
    )
    expect(spoofedBot.status).toBe(202)
    expect(spoofedBot.headers['x-hitring-drop']).toBeUndefined()
    const headless = await post('/ingest', pageviewBody({ path: '/ua-header-bot', ua: CHROME }), { ua: HEADLESS })
    expect(headless.status).toBe(202)
    expect(headless.headers['x-hitring-drop']).toBe('bot')
    await waitStored(dataPath, (e) => e.path === '/ua-body-bot', 1, 'the pageview whose body claimed a bot')
  })

  test("an SPA navigation's self-referral (HitKeep: Origin + previous path) is internal, not a source", async () => {
    const ip = '192.0.2.40'
    expect(
      (
        await post('/ingest', pageviewBody({ path: '/spa-a', referrer: null, u_src: null, u_med: null, u_cmp: null }), {
          ip,
        })
      ).status,
    ).toBe(202)
    expect(
      (
        await post(
          '/ingest',
          pageviewBody({ path: '/spa-b', referrer: `${ORIGIN}/spa-a`, u_src: null, u_med: null, u_cmp: null }),
          { ip },
        )
      ).status,
    ).toBe(202)
    const [, b] = await waitStored(dataPath, (e) => e.path.startsWith('/spa-'), 2, 'the two SPA pageviews')
    expect(b).toMatchObject({ path: '/spa-b', referrerHost: '', source: 'Direct / None' })
  })

  test('an Origin of no registered site is a visible drop, as for our own bodies', async () => {
    const a = await post('/ingest', pageviewBody(), { origin: 'https://elsewhere.example' })
    expect(a.status).toBe(202)
    expect(a.headers['x-hitring-drop']).toBe('unknown_site_origin')
  })
})

describe("refusals name HitKeep's fields", () => {
  const cases: [what: string, path: '/ingest' | '/ingest/event', body: Record<string, unknown>, field: string][] = [
    ['a path without its leading slash', '/ingest', pageviewBody({ path: 'pricing' }), 'path'],
    ['a null path', '/ingest', pageviewBody({ path: null }), 'path'],
    ['a page URL over 2,000 bytes', '/ingest', pageviewBody({ path: `/${'a'.repeat(2000)}` }), 'path'],
    ['a fractional screen width', '/ingest', pageviewBody({ sc_w: 1280.5 }), 'sc_w'],
    ['a negative viewport', '/ingest', pageviewBody({ vp_h: -1 }), 'vp_h'],
    ['a number for lang', '/ingest', pageviewBody({ lang: 5 }), 'lang'],
    ['a lang that is no language tag', '/ingest', pageviewBody({ lang: 'en US; drop table' }), 'lang'],
    ['a number for u_src', '/ingest', pageviewBody({ u_src: 5 }), 'u_src'],
    ['a malformed session_id', '/ingest', pageviewBody({ session_id: '' }), 'session_id'],
    ['an object for referrer', '/ingest', pageviewBody({ referrer: {} }), 'referrer'],
    ['an array of props', '/ingest/event', { n: 'x', p: ['a'], sid: SID }, 'p'],
    ['a nested prop', '/ingest/event', { n: 'x', p: { a: { b: 1 } }, sid: SID }, 'p.a'],
    ['a malformed sid', '/ingest/event', { n: 'x', p: {}, sid: 'abc' }, 'sid'],
    ['a number for r', '/ingest/event', { n: 'x', r: 5, sid: SID }, 'r'],
    ['a name over 120 characters', '/ingest/event', { n: 'x'.repeat(121), sid: SID }, 'n'],
  ]
  for (const [what, path, body, field] of cases) {
    test(`${what} → 400 on ${field}`, async () => {
      const a = await post(path, body)
      expectRefused(a, field)
      expect(a.json().message.startsWith(`${field}: `)).toBe(true)
    })
  }

  test('no Origin, or an Origin of no http(s) page: the page URL cannot be made → 400 on Origin', async () => {
    expectRefused(await post('/ingest', pageviewBody(), { origin: null }), 'Origin', /is required/)
    expectRefused(await post('/ingest/event', { n: 'x', sid: SID }, { origin: null }), 'Origin', /is required/)
    expectRefused(await post('/ingest', pageviewBody(), { origin: 'null' }), 'Origin', /http or https/)
    expectRefused(
      await post('/ingest', pageviewBody(), { origin: 'chrome-extension://abcdef' }),
      'Origin',
      /http or https/,
    )
  })

  test('a body with neither url nor HitKeep keys is ours: `{}` is refused on url, not stored empty', async () => {
    expectRefused(await post('/ingest', {}), 'url')
    expectRefused(await post('/ingest/event', {}), 'url')
  })

  test('our own format is untouched: a body with url is never read as HitKeep (its path, n are ignored)', async () => {
    const a = await post('/ingest/event', { url: `${ORIGIN}/ours`, name: 'ours', n: 'theirs', path: '/theirs' })
    expect(a.status, a.text).toBe(202)
    const [e] = await waitStored(dataPath, (e) => e.name === 'ours' || e.name === 'theirs', 1, 'our own event')
    expect(e).toMatchObject({ name: 'ours', path: '/ours' })
  })
})
