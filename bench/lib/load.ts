/**
 * Load generators for the end-to-end bench: `wrk` (preferred: C, one thread, ~1 core) posting a fixed
 * body from a Lua script, or — when wrk is missing — a Node keep-alive client with the same number of
 * connections (slower: it then competes harder with the server for the 2 cores; the report says which).
 * @module
 */
import { spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import http from 'node:http'

export interface LoadResult {
  tool: 'wrk' | 'node'
  requests: number
  seconds: number
  rps: number
  p50ms: number
  p99ms: number
  /** Responses that were not 2xx/3xx. */
  non2xx: number
  /** Connect/read/write/timeout errors. */
  errors: number
}

/** Sent with every request: browsers always send one, and hitring hashes it (visitor ids) and classifies it. */
export const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'

/** Distinct client addresses the load claims (BENCH_CLIENTS; 1 = every request from 127.0.0.1). */
export const CLIENTS = Math.max(1, Number(process.env.BENCH_CLIENTS ?? 20_000))

export function haveWrk(): boolean {
  return process.env.BENCH_LOADGEN !== 'node' && spawnSync('wrk', ['--version'], { timeout: 5000 }).error === undefined
}

const unitMs: Record<string, number> = { us: 1e-3, ms: 1, s: 1000, m: 60_000 }

export async function runWrk(
  url: string,
  body: string,
  seconds: number,
  connections: number,
  tmpDir: string,
): Promise<LoadResult> {
  const lua = join(tmpDir, 'post.lua')
  // Every target gets the same requests. With CLIENTS > 1 each request claims one of CLIENTS client
  // addresses in X-Forwarded-For (hitring runs with 127.0.0.1 as a trusted proxy), as real traffic from
  // many visitors behind a reverse proxy would: it spreads visitors over hitring's ring lanes and
  // drain workers, and gives sessions and sketches a realistic spread. The floors ignore the header.
  writeFileSync(
    lua,
    [
      'wrk.method = "POST"',
      `wrk.body = ${JSON.stringify(body)}`,
      'wrk.headers["Content-Type"] = "application/json"',
      `wrk.headers["User-Agent"] = ${JSON.stringify(USER_AGENT)}`,
      `local clients = ${CLIENTS}`,
      // Requests are formatted once at start-up: building one per call in Lua halves wrk's own rate.
      // (in init(): at the top level of the script wrk has not set the Host header yet).
      'if clients > 1 then',
      '  local reqs = {}',
      '  local n = 0',
      '  init = function(args)',
      '    for i = 0, clients - 1 do',
      '      wrk.headers["X-Forwarded-For"] = "10." .. math.floor(i / 65536) % 256 .. "." .. math.floor(i / 256) ' +
        '% 256 .. "." .. i % 256',
      '      reqs[i + 1] = wrk.format()',
      '    end',
      '  end',
      '  request = function()',
      '    n = n % clients + 1',
      '    return reqs[n]',
      '  end',
      'end',
      '',
    ].join('\n'),
  )
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '5s', '--latency', '-s', lua, url]
  const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s))
  child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s))
  const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 20) * 1000)
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  clearTimeout(timer)
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN)
  const pct = (p: number) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out)
    return m ? Number(m[1]) * unitMs[m[2]!]! : NaN
  }
  const requests = num(/(\d+) requests in/)
  const duration = /requests in ([\d.]+)(us|ms|s|m)/.exec(out)
  if (code !== 0 || !Number.isFinite(requests) || !duration) throw new Error(`wrk failed (exit ${code}):\n${out}`)
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  return {
    tool: 'wrk',
    requests,
    seconds: (Number(duration[1]) * unitMs[duration[2]!]!) / 1000,
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p50ms: pct(50),
    p99ms: pct(99),
    non2xx: num(/Non-2xx or 3xx responses: (\d+)/) || 0,
    errors: errors ? errors.slice(1).reduce((n, x) => n + Number(x), 0) : 0,
  }
}

/** Node fallback: `connections` keep-alive loops, each sending the next request when the last one ends. */
export async function runNodeLoad(
  url: string,
  body: string,
  seconds: number,
  connections: number,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections })
  const payload = Buffer.from(body)
  const target = new URL(url)
  const latencies: number[] = []
  let non2xx = 0
  let errors = 0
  let sent = 0
  const started = performance.now()
  const end = started + seconds * 1000
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now()
      const client = (sent = (sent + 1) % CLIENTS)
      const xff =
        CLIENTS > 1 ? { 'x-forwarded-for': `10.${(client >> 16) & 255}.${(client >> 8) & 255}.${client & 255}` } : {}
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          timeout: 5000,
          headers: {
            'content-type': 'application/json',
            'content-length': payload.length,
            'user-agent': USER_AGENT,
            ...xff,
          },
        },
        (res) => {
          res.resume()
          res.once('end', () => {
            if (res.statusCode! >= 400) non2xx++
            latencies.push(performance.now() - t0)
            resolve()
          })
        },
      )
      req.once('error', () => {
        errors++
        resolve()
      })
      req.once('timeout', () => req.destroy(new Error('timeout')))
      req.end(payload)
    })
  const loop = async () => {
    while (performance.now() < end) await one()
  }
  await Promise.all(Array.from({ length: connections }, loop))
  const secs = (performance.now() - started) / 1000
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN
  return {
    tool: 'node',
    requests: latencies.length,
    seconds: secs,
    rps: latencies.length / secs,
    p50ms: at(50),
    p99ms: at(99),
    non2xx,
    errors,
  }
}

export function runLoad(
  url: string,
  body: string,
  seconds: number,
  connections: number,
  tmpDir: string,
  wrk: boolean,
): Promise<LoadResult> {
  return wrk ? runWrk(url, body, seconds, connections, tmpDir) : runNodeLoad(url, body, seconds, connections)
}
