/**
 * What refusing a repeated Content-Length (src/http/framing.ts) costs the browser ingest route, and what
 * `X-Content-Type-Options: nosniff` costs its 202 — side by side, on real uWS requests.
 *
 * uWS.js shows a header's first value only (`getHeader`); a second Content-Length is visible only to
 * `req.forEach`, which calls into JS once per header. A uWS app on 127.0.0.1 receives keep-alive
 * requests with three realistic header sets; inside each request's handler (the only place `req` is
 * valid), every variant runs REPS times on that same request, timed with hrtime, in an order that rotates
 * per request. Medians over the requests, after a warm-up:
 *
 * - `7 × getHeader`: what the route read before (Origin, User-Agent, Sec-Purpose, Purpose,
 *   X-Hitring-Ack, Content-Type, Content-Length), the baseline;
 * - `+ counting walk`: that plus `contentLengthCount` (what the guard of the other routes does);
 * - `readIngestHeaders`: the route now — one walk that counts and takes those headers on the way;
 * - `nosniff (bytes)` / `nosniff (strings)`: one `writeHeader` of the precomputed header, and of the
 *   same as JavaScript strings.
 *
 *   node esbuild.config.mjs && node dist/bench/header-walk.bench.js   (BENCH_REQUESTS, default 20000)
 * @module
 */
import { connect } from 'node:net'
import { uws, type HttpRequest, type HttpResponse } from '../src/native/uws.js'
import { nativeString } from '../src/native/native-string.js'
import { contentLengthCount } from '../src/http/framing.js'
import { readIngestHeaders } from '../src/http/ingest-headers.js'
import { median } from './lib/proc.js'

const REPS = 50
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000)
const WARMUP = Math.min(2000, REQUESTS >> 2)

const BODY = JSON.stringify({
  site_id: '6f1c2a4e-8a3b-4c7d-9e2f-1a2b3c4d5e6f',
  name: 'purchase',
  url: 'https://www.example.com/pricing',
  referrer: '',
  props: {},
})
const CHROME = [
  'Host: stats.example.com',
  'Connection: keep-alive',
  `Content-Length: ${BODY.length}`,
  'sec-ch-ua-platform: "Linux"',
  'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
  'sec-ch-ua: "Chromium";v="140", "Not=A?Brand";v="24", "Google Chrome";v="140"',
  'Content-Type: text/plain;charset=UTF-8',
  'sec-ch-ua-mobile: ?0',
  'Accept: */*',
  'Origin: https://www.example.com',
  'Sec-Fetch-Site: cross-site',
  'Sec-Fetch-Mode: no-cors',
  'Sec-Fetch-Dest: empty',
  'Referer: https://www.example.com/pricing',
  'Accept-Encoding: gzip, deflate, br, zstd',
  'Accept-Language: en-US,en;q=0.9',
  'Priority: u=4, i',
]
const SETS: Record<string, string[]> = {
  'Chrome sendBeacon (17 headers)': CHROME,
  'the same through a proxy (20)': [
    ...CHROME,
    'X-Forwarded-For: 198.51.100.7',
    'X-Forwarded-Proto: https',
    'X-Real-IP: 198.51.100.7',
  ],
  'a backend, curl-like (5)': [
    'Host: stats.example.com',
    'User-Agent: curl/8.5.0',
    'Accept: */*',
    'Content-Type: application/json',
    `Content-Length: ${BODY.length}`,
  ],
}

const NAMES = ['origin', 'user-agent', 'sec-purpose', 'purpose', 'x-hitring-ack', 'content-type', 'content-length'].map(
  nativeString,
)
const NOSNIFF_NAME = nativeString('X-Content-Type-Options')
const NOSNIFF = nativeString('nosniff')
let sink = 0

const reads: Record<string, (req: HttpRequest) => number> = {
  '7 × getHeader': (req) => {
    let n = 0
    for (let i = 0; i < NAMES.length; i++) n += req.getHeader(NAMES[i]!).length
    return n
  },
  '7 × getHeader + counting walk': (req) => {
    let n = 0
    for (let i = 0; i < NAMES.length; i++) n += req.getHeader(NAMES[i]!).length
    return n + contentLengthCount(req)
  },
  'counting walk alone': (req) => contentLengthCount(req),
  'readIngestHeaders (the route now)': (req) => readIngestHeaders(req).contentLengths,
}
const writes: Record<string, (res: HttpResponse) => void> = {
  'nosniff (bytes)': (res) => void res.writeHeader(NOSNIFF_NAME, NOSNIFF),
  'nosniff (strings)': (res) => void res.writeHeader('X-Content-Type-Options', 'nosniff'),
}
const variants = [...Object.keys(reads), ...Object.keys(writes)]
let samples = new Map<string, number[]>()
let served = 0

const app = uws.App().post('/*', (res, req) => {
  res.writeStatus('202 Accepted') // before any header: a header written first implies 200 OK
  const first = served++ % variants.length
  for (let v = 0; v < variants.length; v++) {
    const name = variants[(first + v) % variants.length]!
    const read = reads[name]
    const write = writes[name]
    const t0 = process.hrtime.bigint()
    if (read) for (let i = 0; i < REPS; i++) sink += read(req)
    else for (let i = 0; i < REPS; i++) write!(res)
    const ns = Number(process.hrtime.bigint() - t0) / REPS
    if (served > WARMUP) samples.get(name)!.push(ns)
  }
  res.end()
})

const port = await new Promise<number>((resolve, reject) =>
  app.listen('127.0.0.1', 0, (token) =>
    token ? resolve(uws.us_socket_local_port(token)) : reject(new Error('cannot listen')),
  ),
)

/** REQUESTS requests, one at a time on one keep-alive connection. */
function load(headers: string[]): Promise<void> {
  const request = `POST /ingest/event HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n${BODY}`
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let answered = 0
    let tail = '' // a status line may be split between two reads
    socket.on('connect', () => socket.write(request))
    socket.on('error', reject)
    socket.on('data', (chunk) => {
      const text = tail + chunk.toString('latin1')
      const before = answered
      answered += text.split('HTTP/1.1 202').length - 1
      tail = text.slice(-11) // shorter than a status line: never counted twice
      if (answered === before) return // the rest of this answer is still to come
      if (answered >= REQUESTS) {
        socket.destroy()
        resolve()
      } else socket.write(request)
    })
  })
}

const rows: Record<string, string | number>[] = []
for (const [set, headers] of Object.entries(SETS)) {
  samples = new Map(variants.map((v) => [v, []]))
  served = 0
  await load(headers)
  const m = new Map(variants.map((v) => [v, median(samples.get(v)!)]))
  const base = m.get('7 × getHeader')!
  for (const v of variants) {
    const ns = m.get(v)!
    rows.push({
      headers: set,
      variant: v,
      'ns per request': ns.toFixed(0),
      'vs 7 × getHeader': reads[v] ? (ns - base).toFixed(0) : '',
    })
  }
}
console.log(
  `header walk: ${REQUESTS} requests per header set, ${REPS} runs of each variant per request, medians (node ` +
    `${process.version})`,
)
console.table(rows)
if (sink === 42) console.log('')
process.exit(0)
