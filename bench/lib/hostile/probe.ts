/**
 * Questions asked of the server around a run: which `/api` routes it has (its own OpenAPI document),
 * how fast `/healthz` answers afterwards, and whether it still does its job (ready, accepting events).
 * @module
 */
import { connect } from 'node:net'
import type { Fixtures } from './fixtures.js'

/**
 * Every `/api` route as `{ method, path: '/api/sites/:id' }`, from GET /api/openapi.json, but the server-ingest ones
 * (their own families).
 */
export async function listApiRoutes(base: string): Promise<Array<{ method: string; path: string; access: string }>> {
  const doc = (await (await fetch(`${base}/api/openapi.json`, { signal: AbortSignal.timeout(10_000) })).json()) as {
    paths: Record<string, Record<string, { security?: unknown[] }>>
  }
  const out: Array<{ method: string; path: string; access: string }> = []
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (path.startsWith('/api/ingest/')) continue
    for (const [method, op] of Object.entries(ops)) {
      out.push({
        method: method.toUpperCase(),
        path: path.replace(/\{([^}]+)\}/g, ':$1'),
        access: op.security?.length === 0 ? 'public' : 'credentials',
      })
    }
  }
  return out.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`))
}

/**
 * One GET /healthz on a new connection: milliseconds from connecting to the whole answer (Infinity past `timeoutMs`).
 */
export function healthzOnce(port: number, timeoutMs = 5000): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now()
    const socket = connect({ port, host: '127.0.0.1', noDelay: true })
    let text = ''
    const timer = setTimeout(() => {
      socket.destroy()
      resolve(Infinity)
    }, timeoutMs)
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(Infinity)
    })
    socket.on('connect', () => socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'))
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1')
      if (/^HTTP\/1\.1 200 [\s\S]*\r\n\r\n\{"status":"ok"\}$/.test(text)) {
        const ms = performance.now() - t0
        clearTimeout(timer)
        socket.removeAllListeners('close')
        socket.destroy()
        resolve(ms)
      }
    })
  })
}

/** `n` sequential /healthz latencies. */
export async function healthzLatencies(port: number, n = 20): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push(await healthzOnce(port))
  return out
}

/** After the run: /readyz is 200 and a valid event is still accepted (202). Returns the problems. */
export async function stillServing(base: string, fx: Fixtures): Promise<string[]> {
  const problems: string[] = []
  const ready = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(10_000) })
  if (ready.status !== 200) problems.push(`/readyz answered ${ready.status}: ${await ready.text()}`)
  const event = await fetch(`${base}/ingest/event`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0' },
    body: JSON.stringify({
      site_id: fx.siteId,
      name: 'after_fuzz',
      url: `https://${fx.siteDomain}/after`,
      referrer: '',
    }),
    signal: AbortSignal.timeout(10_000),
  })
  if (event.status !== 202) problems.push(`a valid event was answered ${event.status}: ${await event.text()}`)
  return problems
}
