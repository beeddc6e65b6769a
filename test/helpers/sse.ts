/**
 * Reads a Server-Sent-Events answer as a browser's EventSource would: each `event:`/`data:` block as it
 * arrives, and whether (and how) the server ended the response. A refusal (not 200) is read whole.
 */
import { request, type IncomingHttpHeaders } from 'node:http'

export interface Received {
  at: number
  event: string
  data: any
}

export interface OpenedStream {
  status: number
  headers: IncomingHttpHeaders
  events: Received[]
  raw: string[]
  /** The server ended the response cleanly (the last chunk arrived). */
  ended(): boolean
  /** The connection is gone, cleanly or not. */
  closed(): boolean
  /** The whole body, once the response has ended (for a refusal: its JSON). */
  body(): Promise<string>
  /** Goes away, as a closed browser tab does. */
  close(): void
}

export function openStream(url: string, headers: Record<string, string> = {}): Promise<OpenedStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      const events: Received[] = []
      const raw: string[] = []
      let buffer = ''
      let ended = false
      let closed = false
      const done = new Promise<void>((r) => {
        res.once('end', () => {
          ended = true
          r()
        })
        res.once('close', () => {
          closed = true
          r()
        })
      })
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        raw.push(chunk)
        buffer += chunk
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const event = /^event: (.*)$/m.exec(block)?.[1]
          const data = /^data: (.*)$/m.exec(block)?.[1]
          if (event && data) events.push({ at: Date.now(), event, data: JSON.parse(data) })
        }
      })
      res.on('error', () => undefined) // a reset after close(): the test decides what matters
      resolve({
        status: res.statusCode!,
        headers: res.headers,
        events,
        raw,
        ended: () => ended,
        closed: () => closed || ended,
        body: async () => {
          await done
          return raw.join('')
        },
        close: () => req.destroy(),
      })
    })
    req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)))
    req.end()
  })
}
