/**
 * The seed's goal example, verbatim, with curl: `curl -X POST http://HOST/api/sites/{site_id}/goals
 * -H "Content-Type: application/json" -b "hk_token=..." -d '{"name":"Pro Signup","type":"event","value":"signup"}'`
 * — no Origin, the session cookie only — and the goal then counting an event sent BEFORE it existed.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { waitFor } from './helpers/server.js'
import { call, createSite, initialUser, startApiServer, type ApiServer } from './helpers/api.js'

const run = promisify(execFile)
let api: ApiServer
let cookie: string
let siteId: string

beforeAll(async () => {
  api = await startApiServer()
  cookie = await initialUser(api.url)
  siteId = (await createSite(api.url, cookie, 'your-site.com')).id
})
afterAll(async () => {
  await api?.stop()
})

/** curl as the seed writes it; `-s -w` only add the status to what curl prints, not to the request. */
async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await run('curl', ['-s', '-w', '\n%{http_code}', ...args])
  const i = stdout.lastIndexOf('\n')
  return { status: Number(stdout.slice(i + 1)), body: stdout.slice(0, i) }
}

test('the seed curl creates the goal (201) and the goal counts an event sent before it', async () => {
  // An event first, sent the seed's way (server-side curl, no Origin).
  const event = await curl([
    '-X',
    'POST',
    `${api.url}/ingest/event`,
    '-H',
    'Content-Type: application/json',
    '-d',
    JSON.stringify({
      site_id: siteId,
      name: 'signup',
      url: 'https://your-site.com/welcome',
      referrer: '',
      props: { plan: 'pro' },
    }),
  ])
  expect(event.status).toBe(202)

  const created = await curl([
    '-X',
    'POST',
    `${api.url}/api/sites/${siteId}/goals`,
    '-H',
    'Content-Type: application/json',
    '-b',
    `hk_token=${cookie}`,
    '-d',
    '{"name":"Pro Signup","type":"event","value":"signup"}',
  ])
  expect(created.status).toBe(201)
  const goal = JSON.parse(created.body)
  expect(goal).toEqual({
    id: expect.any(String),
    site_id: siteId,
    name: 'Pro Signup',
    type: 'event',
    value: 'signup',
    created_at: expect.any(String),
  })
  expect(Date.parse(goal.created_at)).toBeGreaterThan(Date.now() - 60_000)

  let goals: any[] = []
  await waitFor(
    async () => {
      goals = (await call(api.url, 'GET', `/api/sites/${siteId}/stats`, { cookie })).json().goals
      return goals[0]?.completions === 1
    },
    3000,
    'the goal to count the earlier event',
  )
  expect(goals).toEqual([
    { goal_id: goal.id, name: 'Pro Signup', conversions: 1, completions: 1, conversion_rate: 100 },
  ])
})

test('without the cookie the same curl is refused with 401 and a JSON error', async () => {
  const refused = await curl([
    '-X',
    'POST',
    `${api.url}/api/sites/${siteId}/goals`,
    '-H',
    'Content-Type: application/json',
    '-d',
    '{"name":"Pro Signup","type":"event","value":"signup"}',
  ])
  expect(refused.status).toBe(401)
  expect(JSON.parse(refused.body)).toMatchObject({ code: 'unauthorized' })
})
