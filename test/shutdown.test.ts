/**
 * SIGTERM loses nothing: every event answered 202 before the signal is in LMDB after a real restart.
 */
import { afterAll, expect, test } from 'vitest'
import { addSite, startServer, tempDataDir } from './helpers/server.js'
import { send } from './helpers/http.js'
import { storedEventCount, withStore } from './helpers/store.js'
import { recount } from '../src/derive/recount.js'

const dir = tempDataDir()
afterAll(() => dir.remove())

test('events acknowledged before SIGTERM are all stored, and rollups equal a recount, after a restart', async () => {
  const siteId = addSite(dir.path, 'term.example')
  let acknowledged = 0
  for (let round = 0; round < 3; round++) {
    const server = await startServer(dir.path, ['-ingest-rate', '1000000', '-ingest-burst', '1000000'])
    // Many concurrent senders, then SIGTERM the moment the last 202 arrives.
    const answers = await Promise.all(
      Array.from({ length: 1500 }, (_, i) =>
        send(`${server.url}/ingest/event`, {
          body: JSON.stringify({
            site_id: siteId,
            name: `e${i % 7}`,
            url: `https://term.example/p/${i % 13}`,
            props: { i },
          }),
          headers: { 'Content-Type': 'application/json' },
        }),
      ),
    )
    expect(answers.every((a) => a.status === 202)).toBe(true)
    acknowledged += answers.length
    const code = await server.stop('SIGTERM')
    expect(code).toBe(0)
    expect(server.logs.join('\n')).toMatch(/everything acknowledged is stored/)
  }
  // A restart opens the same store; nothing is missing.
  const server = await startServer(dir.path)
  try {
    expect(storedEventCount(dir.path)).toBe(acknowledged)
    withStore(dir.path, (store) => {
      const report = recount(store)
      expect(report.events).toBe(acknowledged)
      expect(report.mismatches).toEqual([])
    })
    const ready = await send(`${server.url}/readyz`, { method: 'GET' })
    expect(ready.status).toBe(200)
  } finally {
    await server.stop()
  }
})
