/**
 * A full ring answers 503 with Retry-After at once and counts it; the HTTP thread never waits, and
 * every event answered 202 is still stored.
 */
import { afterAll, expect, test } from 'vitest'
import { addSite, startServer, tempDataDir, waitFor } from './helpers/server.js'
import { send, type Answer } from './helpers/http.js'
import { storedEventCount } from './helpers/store.js'

const dir = tempDataDir()
afterAll(() => dir.remove())

test('bursts of 60 KiB events into a 1 MiB ring get 503s with Retry-After, and every 202 is stored', async () => {
  const siteId = addSite(dir.path, 'full.example')
  // The smallest ring (256 KiB a lane) and one worker: all requests come from 127.0.0.1, so one lane.
  const server = await startServer(dir.path, [
    '-ring-size',
    '1MiB',
    '-workers',
    '1',
    '-ingest-rate',
    '1000000',
    '-ingest-burst',
    '1000000',
  ])
  try {
    const body = JSON.stringify({
      site_id: siteId,
      name: 'big',
      url: 'https://full.example/',
      props: { blob: 'x'.repeat(1990) },
      pad: 'y'.repeat(58_000),
    })
    const all: Answer[] = []
    for (let round = 0; round < 10 && !all.some((a) => a.status === 503); round++) {
      all.push(
        ...(await Promise.all(
          Array.from({ length: 200 }, () =>
            send(`${server.url}/ingest/event`, { body, headers: { 'Content-Type': 'application/json' } }),
          ),
        )),
      )
    }
    const full = all.filter((a) => a.status === 503)
    const accepted = all.filter((a) => a.status === 202).length
    expect(full.length).toBeGreaterThan(0)
    expect(all.every((a) => a.status === 202 || a.status === 503)).toBe(true)
    expect(full[0]!.headers['retry-after']).toBe('1')
    expect(full[0]!.json()).toMatchObject({ code: 'ingest_queue_full' })
    const metrics = (await send(`${server.url}/metrics`, { method: 'GET' })).text
    const counted = [...metrics.matchAll(/hitring_ring_full_total\{lane="\d"\} (\d+)/g)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    )
    expect(counted).toBe(full.length)
    expect(metrics).toMatch(new RegExp(`hitring_ingest_rejected_total\\{code="ingest_queue_full"\\} ${full.length}\\n`))
    await waitFor(() => storedEventCount(dir.path) === accepted, 10_000, 'every accepted event stored')
  } finally {
    expect(await server.stop()).toBe(0)
  }
})
