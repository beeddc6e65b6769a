/**
 * What the pinned uWebSockets.js build (20.30, bundling uWebSockets ~v20.43) does with requests its
 * native parser refuses before any handler of ours runs — the limits of this build, written down:
 *
 * - `Transfer-Encoding` together with `Content-Length`: the connection is closed at once, with no
 *   answer (uWebSockets v20.44 added a `400 Bad Request` for it, `httpErrorResponses` in HttpErrors.h).
 * - A request-target that does not start with `/` (`healthz`, `*`, `http://a/x`), and `HTTP/1.0`: the
 *   parser takes the request line for an incomplete one and waits for more; no handler runs, nothing is
 *   answered, and uWS's idle timeout (10 s, checked every 4 s) closes the connection.
 *
 * Nothing in this build lets hitring answer these with a 400: the parser reports no error to JavaScript.
 * What the server does guarantee is tested here: nothing is processed, and other connections are served.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { addSite, startServer, tempDataDir, type ServerProcess } from './helpers/server.js'
import { send } from './helpers/http.js'
import { firstBody, rawExchange, statuses } from './helpers/raw.js'
import { storedEventCount } from './helpers/store.js'

/** uWS closes an idle connection 10 s after its last activity, on a 4 s timer: ~12 s seen. Bounded generously. */
const IDLE_CLOSE_BOUND_MS = 30_000

const dir = tempDataDir()
let server: ServerProcess
let siteId: string

beforeAll(async () => {
  siteId = addSite(dir.path, 'shop.example')
  server = await startServer(dir.path, ['-ingest-rate', '100000', '-ingest-burst', '100000'])
})
afterAll(async () => {
  await server?.stop()
  dir.remove()
})

const body = () =>
  JSON.stringify({ site_id: siteId, name: 'signup', url: 'https://shop.example/x', referrer: '', props: {} })

/** /metrics on a connection of its own: the idle timeout that closes the stuck connections also closes pooled ones. */
async function metrics(): Promise<string> {
  const a = await rawExchange(server.port, ['GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'])
  expect(statuses(a.text)).toEqual([200])
  return firstBody(a.text)
}

test('uWS parser limit: Transfer-Encoding + Content-Length closes at once, no answer (no 400), no work', async () => {
  const event = body()
  const chunked = `${event.length.toString(16)}\r\n${event}\r\n0\r\n\r\n`
  const a = await rawExchange(server.port, [
    `POST /ingest/event HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: ` +
      `chunked\r\nContent-Length: ${event.length}\r\n\r\n${chunked}`,
  ])
  expect(a.closed).toBe(true)
  expect(a.text).toBe('') // no answer at all: neither a 2xx nor the 400 RFC 9112 §6.3 asks for
  expect(await metrics()).not.toMatch(/hitring_ingest_accepted_total\{[^}]*\} [1-9]/)
  expect((await send(`${server.url}/healthz`, { method: 'GET' })).status).toBe(200)
})

test(
  'uWS parser limit: a request-target not starting with / (or HTTP/1.0) runs no handler and gets no answer; ' +
    'it is closed by the idle timeout while other connections are served',
  async () => {
    const event = body()
    const post = (target: string, version = 'HTTP/1.1') =>
      `POST ${target} ${version}\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ` +
      `${event.length}\r\n\r\n${event}`
    const stuck = Promise.all(
      [
        'GET healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
        'OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
        'GET http://127.0.0.1/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
        post('ingest/event'),
        post(`http://127.0.0.1:${server.port}/ingest/event`),
        post('/ingest/event', 'HTTP/1.0'),
      ].map((request) => rawExchange(server.port, [request], { waitMs: IDLE_CLOSE_BOUND_MS })),
    )
    let settled = false
    const mark = () => void (settled = true)
    stuck.then(mark, mark)
    // Meanwhile the server answers everyone else.
    for (let i = 0; i < 5; i++) {
      expect((await send(`${server.url}/healthz`, { method: 'GET' })).status).toBe(200)
      const ok = await send(`${server.url}/ingest/event`, {
        body: event,
        headers: { 'Content-Type': 'application/json' },
      })
      expect(ok.status).toBe(202)
    }
    expect(settled).toBe(false) // the stuck connections were still open then: they held nothing up

    for (const a of await stuck) {
      expect(a.text).toBe('') // no handler answered (a 404, a 200 from /healthz, a 202 from ingest)
      expect(a.closed).toBe(true) // closed by the idle timeout, within the bound
    }
    // Only the five events sent normally were accepted: the two bodies behind a bad request-target were not.
    expect(await metrics()).toMatch(/hitring_ingest_accepted_total\{kind="event"\} 5(\n|$)/)
    const deadline = Date.now() + 5000
    while (storedEventCount(dir.path) < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(storedEventCount(dir.path)).toBe(5)
  },
  IDLE_CLOSE_BOUND_MS + 15_000,
)
