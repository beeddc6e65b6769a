/** A small HTTP client over node:http, for full control of headers, chunking and declared lengths. */
import { request, Agent } from 'node:http'

export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json(): any
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 })

export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunks?: Buffer[] } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', headers: options.headers, agent }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (d: Buffer) => parts.push(d))
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8')
        resolve({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    if (options.chunks) {
      for (const c of options.chunks) req.write(c)
      req.end()
    } else req.end(options.body)
  })
}

export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  send(url, {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', ...headers },
  })
