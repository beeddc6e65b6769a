/**
 * The second reference point of the end-to-end bench: the work no ingest endpoint on this stack can skip,
 * and nothing more. On the same native uWebSockets.js binary as the floor (./floor-uws.ts), per request:
 * the socket peer (`getRemoteAddress`, one getpeername(2)) and X-Forwarded-For, the headers an ingest
 * route must look at (Origin, User-Agent, Content-Type, Content-Length), the body (onAborted + onData),
 * `JSON.parse` of it, and hitring's own 202 answer with its CORS headers (src/http/respond.ts).
 * No validation, no limiter, no ring, no storage.
 *
 * What it shows: how much of the floor's budget is gone before an event is checked or stored. The issue's
 * targets (≥ 0.8× the floor's throughput, ≤ 1.25× its CPU) are measured against floor-uws; this one is
 * printed beside them so the distance can be read as "work any design pays" vs "hitring's own".
 *
 *   node dist/bench/floor-parse.js [port]   → prints {"port":N}; SIGTERM exits
 * @module
 */
import { uws } from '../src/native/uws.js'
import { nativeString } from '../src/native/native-string.js'
import { writeAccepted } from '../src/http/respond.js'

const port = Number(process.argv[2] ?? 0)
const HEADERS = ['origin', 'user-agent', 'content-type', 'content-length', 'x-forwarded-for'].map(nativeString)
let parsed = 0
let addressBytes = 0
let headerBytes = 0

const app = uws.App().post('/*', (res, req) => {
  addressBytes += new Uint8Array(res.getRemoteAddress()).length
  const origin = req.getHeader(HEADERS[0]!)
  for (let i = 1; i < HEADERS.length; i++) headerBytes += req.getHeader(HEADERS[i]!).length
  let aborted = false
  res.onAborted(() => {
    aborted = true
  })
  res.onData((chunk, isLast) => {
    if (!isLast || aborted) return // the bench's bodies arrive in one chunk
    const body = JSON.parse(Buffer.from(chunk).toString('utf8')) as Record<string, unknown>
    if (typeof body.name === 'string') parsed++
    writeAccepted(res, origin)
    res.end()
  })
})

app.listen('127.0.0.1', port, (token) => {
  if (!token) {
    console.error(`floor-parse: cannot listen on 127.0.0.1:${port}`)
    process.exit(1)
  }
  console.log(JSON.stringify({ target: 'floor-parse', port: uws.us_socket_local_port(token) }))
})

process.on('SIGTERM', () => {
  console.log(JSON.stringify({ target: 'floor-parse', parsed, addressBytes, headerBytes }))
  process.exit(0)
})
