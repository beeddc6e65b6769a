/**
 * Server-side ingestion does not tell which domains are registered: with a token of site B, a URL of
 * someone else's site A is answered exactly like a URL of a host with no site at all (404 `unknown_site`,
 * field `url`) — on `/api/ingest/server/event`, `/pageview`, and per item in `/api/ingest/batch`. A site
 * the token can see with too small a role (viewer) still answers 403, as on the REST API.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  addUser,
  call,
  createApiClient,
  createSite,
  expectError,
  initialUser,
  login,
  startApiServer,
  type ApiServer,
} from './helpers/api.js'
import type { Answer } from './helpers/http.js'
import { storedEventCount } from './helpers/store.js'
import { waitFor } from './helpers/server.js'

let api: ApiServer
/** Bob's token: editor on his own site (beta.example), viewer on a site Alice shared with him. */
let bobToken: string

beforeAll(async () => {
  api = await startApiServer()
  const alice = await initialUser(api.url, 'alice@example.test')
  await createSite(api.url, alice, 'alpha.example') // Alice's: Bob has no role on it
  const shared = await createSite(api.url, alice, 'shared.example')
  addUser(api.dataPath, 'bob@example.test')
  const bob = await login(api.url, 'bob@example.test')
  const beta = await createSite(api.url, bob, 'beta.example')
  const share = await call(
    api.url,
    'POST',
    `/api/sites/${shared.id}/members`,
    { cookie: alice },
    { email: 'bob@example.test', role: 'viewer' },
  )
  expect(share.status, share.text).toBe(201)
  bobToken = (
    await createApiClient(api.url, bob, [
      { site_id: beta.id, role: 'editor' },
      { site_id: shared.id, role: 'viewer' },
    ])
  ).token
})
afterAll(async () => api?.stop())

const item = (host: string, over: Record<string, unknown> = {}) => ({
  url: `https://${host}/checkout`,
  timestamp: new Date().toISOString(),
  visitor_ip: '198.51.100.7',
  user_agent: 'python-requests/2.31.0',
  name: 'purchase',
  ...over,
})

/** The answer with the host named in its message replaced, so two answers about different hosts compare. */
function shape(a: Answer, host: string): unknown {
  const body = a.json()
  return {
    status: a.status,
    contentType: a.headers['content-type'],
    body: { ...body, message: String(body.message).replace(JSON.stringify(host), '"HOST"') },
  }
}

test.each([
  ['event', {}],
  ['pageview', { name: undefined }],
])(
  '/api/ingest/server/%s: a registered site the token has no role on answers exactly like a host with no site',
  async (route, over) => {
    const post = (host: string) =>
      call(api.url, 'POST', `/api/ingest/server/${route}`, { token: bobToken }, item(host, over))
    const theirs = await post('alpha.example')
    const nobody = await post('nobody.example')
    expectError(theirs, 404, 'unknown_site')
    expect(theirs.json().field).toBe('url')
    expect(shape(theirs, 'alpha.example')).toEqual(shape(nobody, 'nobody.example'))
  },
)

test('a batch rejects an item of a site the token has no role on like an item of a host with no site', async () => {
  const post = (items: unknown[]) => call(api.url, 'POST', '/api/ingest/batch', { token: bobToken }, items)
  const mixed = await post([item('beta.example'), item('alpha.example'), item('nobody.example')])
  expect(mixed.status, mixed.text).toBe(202)
  const { accepted, rejected } = mixed.json()
  expect(accepted).toBe(1)
  expect(rejected).toHaveLength(2)
  const [theirs, nobody] = rejected
  expect(theirs).toMatchObject({ index: 1, code: 'unknown_site', field: 'url' })
  expect({ ...theirs, index: 0, message: theirs.message.replace('"alpha.example"', '"HOST"') }).toEqual({
    ...nobody,
    index: 0,
    message: nobody.message.replace('"nobody.example"', '"HOST"'),
  })
  // A batch of only such items: the same 400 either way.
  const onlyTheirs = await post([item('alpha.example')])
  const onlyNobody = await post([item('nobody.example')])
  expect(onlyTheirs.status).toBe(400)
  expect(onlyTheirs.json().rejected[0].message.replace('"alpha.example"', '"HOST"')).toBe(
    onlyNobody.json().rejected[0].message.replace('"nobody.example"', '"HOST"'),
  )
})

test('a site the token sees with the viewer role still answers 403 forbidden (visible, too small a role)', async () => {
  expectError(
    await call(api.url, 'POST', '/api/ingest/server/event', { token: bobToken }, item('shared.example')),
    403,
    'forbidden',
  )
  const batch = await call(api.url, 'POST', '/api/ingest/batch', { token: bobToken }, [item('shared.example')])
  expect(batch.status, batch.text).toBe(400)
  expect(batch.json().rejected).toEqual([expect.objectContaining({ index: 0, code: 'forbidden' })])
})

test('nothing was stored for a site the token has no write role on', async () => {
  // The one event accepted above is Bob's own (beta.example); nothing for alpha or shared.
  const metrics = (await call(api.url, 'GET', '/metrics')).text
  expect(metrics).toMatch(/hitring_ingest_accepted_total\{kind="server"\} 1\n/)
  await waitFor(() => storedEventCount(api.dataPath) === 1, 5000, 'the one accepted event stored')
})
