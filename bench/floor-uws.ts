/**
 * The floor of the end-to-end bench: the same native uWebSockets.js binary hitring uses (loaded by
 * src/native/uws.ts, no pure-JS fallback), answering every POST with 202 after reading the whole body
 * (onAborted + onData, as the ingest route does) — and nothing else. Whatever hitring costs above this
 * is the price of its own work (limiter, parsing, validation, ring, drain, LMDB).
 *
 *   node dist/bench/floor-uws.js [port]   → prints {"port":N}; SIGTERM exits
 * @module
 */
import { uws } from '../src/native/uws.js'

const port = Number(process.argv[2] ?? 0)
let bodyBytes = 0

const app = uws.App().post('/*', (res) => {
  let aborted = false
  res.onAborted(() => {
    aborted = true
  })
  res.onData((chunk, isLast) => {
    bodyBytes += chunk.byteLength
    if (isLast && !aborted) res.writeStatus('202 Accepted').end()
  })
})

app.listen('127.0.0.1', port, (token) => {
  if (!token) {
    console.error(`floor-uws: cannot listen on 127.0.0.1:${port}`)
    process.exit(1)
  }
  console.log(JSON.stringify({ target: 'floor-uws', port: uws.us_socket_local_port(token) }))
})

process.on('SIGTERM', () => {
  console.log(JSON.stringify({ target: 'floor-uws', bodyBytes }))
  process.exit(0)
})
