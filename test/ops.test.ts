/** Operations endpoints: /healthz, /readyz and the Prometheus /metrics the issue names. */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { addSite, startServer, tempDataDir, waitFor, type ServerProcess } from './helpers/server.js'
import { postJson, send } from './helpers/http.js'

const dir = tempDataDir()
let server: ServerProcess
let siteId: string
beforeAll(async () => {
  siteId = addSite(dir.path, 'ops.example')
  server = await startServer(dir.path)
})
afterAll(async () => {
  await server?.stop()
  dir.remove()
})

test('/healthz answers GET and HEAD', async () => {
  const get = await send(`${server.url}/healthz`, { method: 'GET' })
  expect(get.status).toBe(200)
  expect(get.json()).toEqual({ status: 'ok' })
  expect((await send(`${server.url}/healthz`, { method: 'HEAD' })).status).toBe(200)
})

test('/readyz is 200 once the store is open and the workers run', async () => {
  const a = await send(`${server.url}/readyz`, { method: 'GET' })
  expect(a.status).toBe(200)
  expect(a.json()).toEqual({ status: 'ready' })
})

test('/metrics: accepted, rejected by reason, rate-limited, ring fill/peak, drain lag, batches, commits', async () => {
  await postJson(`${server.url}/ingest/event`, { site_id: siteId, name: 'm', url: 'https://ops.example/' })
  await postJson(`${server.url}/ingest/event`, { site_id: siteId, url: 'https://ops.example/' })
  const read = async () => (await send(`${server.url}/metrics`, { method: 'GET' })).text
  await waitFor(async () => /hitring_events_stored_total 1\n/.test(await read()), 2000, 'the event stored')
  const a = await send(`${server.url}/metrics`, { method: 'GET' })
  expect(a.headers['content-type']).toMatch(/^text\/plain; version=0.0.4/)
  const text = a.text
  for (const line of [
    /hitring_ingest_accepted_total\{kind="event"\} 1\n/,
    /hitring_ingest_rejected_total\{code="invalid_field"\} 1\n/,
    /hitring_ingest_rate_limited_total 0\n/,
    /hitring_ring_used_bytes\{lane="\d"\} \d+\n/,
    /hitring_ring_high_water_bytes\{lane="\d"\} [1-9]\d*\n/,
    /hitring_ring_capacity_bytes\{lane="\d"\} \d+\n/,
    /hitring_drain_batch_events_count 1\n/,
    /hitring_drain_commit_ms_count 1\n/,
    /hitring_drain_commit_ms_bucket\{le="\+Inf"\} 1\n/,
    /hitring_drain_in_flight 0\n/,
  ]) {
    expect(text).toMatch(line)
  }
  expect(text).not.toMatch(/hitring_sessions_untracked_total\{?[^\n]* [1-9]/)
  // Every sample line is well-formed Prometheus text.
  for (const l of text.split('\n').filter((x) => x && !x.startsWith('#')))
    expect(l).toMatch(/^[a-z_]+(\{[^}]*\})? -?[\d.e+]+$/)
})
