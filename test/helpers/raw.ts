/**
 * Raw HTTP/1.1 over a TCP socket: for requests no HTTP client would send (repeated or conflicting
 * framing headers, odd request-targets, pipelined requests in one write), and to see exactly what the
 * server answers and when it closes the connection.
 */
import { connect } from 'node:net'

export interface RawExchange {
  /** Every byte the server sent, as Latin-1 text. */
  text: string
  /** Whether the server closed (or reset) the connection within the wait. */
  closed: boolean
  /** Milliseconds from the first write to the close; null when not closed. */
  closedAfterMs: number | null
}

/**
 * Writes `parts` one after another (`gapMs` apart, so each may arrive in its own read), then waits until
 * the server closes the connection or `waitMs` passes (then the client closes it).
 */
export function rawExchange(port: number, parts: (string | Buffer)[], options: { gapMs?: number; waitMs?: number } = {}): Promise<RawExchange> {
  const { gapMs = 50, waitMs = 5000 } = options
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let started = 0
    let done = false
    const socket = connect(port, '127.0.0.1')
    const finish = (closed: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed, closedAfterMs: closed ? Date.now() - started : null })
    }
    const timer = setTimeout(() => finish(false), waitMs)
    socket.on('connect', async () => {
      started = Date.now()
      for (const [i, part] of parts.entries()) {
        if (i > 0) await new Promise((r) => setTimeout(r, gapMs))
        if (done || socket.destroyed) return
        socket.write(part)
      }
    })
    socket.on('data', (d: Buffer) => chunks.push(d))
    socket.on('end', () => finish(true))
    socket.on('close', () => finish(true))
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') finish(true)
      else if (!done) {
        done = true
        clearTimeout(timer)
        reject(err)
      }
    })
  })
}

/** The status codes of the answers in a raw exchange, in order. */
export function statuses(text: string): number[] {
  return [...text.matchAll(/^HTTP\/1\.1 (\d{3}) /gm)].map((m) => Number(m[1]))
}

/** The headers of the first answer in a raw exchange (names lower-cased). */
export function firstHeaders(text: string): Record<string, string> {
  const head = text.split('\r\n\r\n', 1)[0]!.split('\r\n').slice(1)
  return Object.fromEntries(head.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]))
}

/** The body of the first answer (everything after its head, for a single answer). */
export function firstBody(text: string): string {
  const at = text.indexOf('\r\n\r\n')
  return at < 0 ? '' : text.slice(at + 4)
}
