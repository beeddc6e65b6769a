/**
 * Raw HTTP/1.1 over a TCP socket: for requests no HTTP client would send (repeated or conflicting
 * framing headers, odd request-targets, pipelined requests in one write), and to see exactly what the
 * server answers and when it closes the connection.
 */
import { connect, type Socket } from 'node:net'

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
export function rawExchange(
  port: number,
  parts: (string | Buffer)[],
  options: { gapMs?: number; waitMs?: number } = {},
): Promise<RawExchange> {
  const { gapMs = 50, waitMs = 5000 } = options
  const chunks: Buffer[] = []
  let started = 0
  return oneConnection(
    port,
    waitMs,
    (socket, finish) => {
      socket.on('connect', async () => {
        started = Date.now()
        for (const [i, part] of parts.entries()) {
          if (i > 0) await new Promise((r) => setTimeout(r, gapMs))
          if (socket.destroyed) return
          socket.write(part)
        }
      })
      socket.on('data', (d: Buffer) => chunks.push(d))
      socket.on('end', () => finish(true))
    },
    (closed) => ({
      text: Buffer.concat(chunks).toString('latin1'),
      closed,
      closedAfterMs: closed ? Date.now() - started : null,
    }),
  )
}

/**
 * One connection to the server on `port`, settled once: with `result(true)` when the server closes or
 * resets it, with `result(false)` after `waitMs` (the client closes it then) or when `use` calls
 * `finish(false)`; another socket error rejects. `use` writes to the socket and reads it.
 */
function oneConnection<T>(
  port: number,
  waitMs: number,
  use: (socket: Socket, finish: (closed: boolean) => void) => void,
  result: (closed: boolean) => T,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let done = false
    const socket = connect(port, '127.0.0.1')
    const finish = (closed: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve(result(closed))
    }
    const timer = setTimeout(() => finish(false), waitMs)
    socket.on('close', () => finish(true))
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') finish(true)
      else if (!done) {
        done = true
        clearTimeout(timer)
        reject(err)
      }
    })
    use(socket, finish)
  })
}

/** The status codes of the answers in a raw exchange, in order. */
export function statuses(text: string): number[] {
  return [...text.matchAll(/^HTTP\/1\.1 (\d{3}) /gm)].map((m) => Number(m[1]))
}

/** The headers of the first answer in a raw exchange (names lower-cased). */
export function firstHeaders(text: string): Record<string, string> {
  const head = text.split('\r\n\r\n', 1)[0]!.split('\r\n').slice(1)
  return Object.fromEntries(
    head.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  )
}

/** The body of the first answer (everything after its head, for a single answer). */
export function firstBody(text: string): string {
  const at = text.indexOf('\r\n\r\n')
  return at < 0 ? '' : text.slice(at + 4)
}

export interface RawAnswer {
  status: number
  /** Names lower-cased; a repeated header keeps its last value. */
  headers: Record<string, string>
  /** Latin-1 text of the body. */
  body: string
}

/**
 * Reads answers off `text` in order, as a client on a keep-alive connection does: the body by
 * Content-Length, none for an answer to HEAD, a 204 or a 304 (RFC 9110 §6.3). `methods[i]` is the method of
 * the i-th request. Stops at the first bytes that are not the start of an answer (`rest` holds them).
 */
export function parseAnswers(
  text: string,
  methods: string[],
): { answers: RawAnswer[]; rest: string; error: string | null } {
  const answers: RawAnswer[] = []
  let at = 0
  while (at < text.length && answers.length < methods.length) {
    const end = text.indexOf('\r\n\r\n', at)
    if (end < 0) break
    const [statusLine, ...lines] = text.slice(at, end).split('\r\n')
    const m = /^HTTP\/1\.1 (\d{3}) /.exec(statusLine!)
    if (!m)
      return { answers, rest: text.slice(at), error: `not a status line: ${JSON.stringify(statusLine!.slice(0, 80))}` }
    const headers = Object.fromEntries(
      lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
    )
    const status = Number(m[1])
    const noBody = methods[answers.length] === 'HEAD' || status === 204 || status === 304
    const length = noBody ? 0 : Number(headers['content-length'] ?? NaN)
    if (!Number.isInteger(length))
      return {
        answers,
        rest: text.slice(at),
        error: `answer ${answers.length + 1} (${status}) has no usable Content-Length`,
      }
    if (text.length < end + 4 + length) break
    answers.push({ status, headers, body: text.slice(end + 4, end + 4 + length) })
    at = end + 4 + length
  }
  return { answers, rest: text.slice(at), error: null }
}

/**
 * Sends `requests` in one write on one connection (pipelined) and reads their answers with
 * {@link parseAnswers}; done when every request has its answer, the bytes stop parsing, the server
 * closes, or after `waitMs`. `rest` is what came after the last answer (within the wait).
 */
export function pipelined(
  port: number,
  requests: Array<{ method: string; path: string; headers?: Record<string, string> }>,
  waitMs = 5000,
): Promise<{ answers: RawAnswer[]; rest: string; error: string | null; closed: boolean }> {
  const methods = requests.map((r) => r.method)
  const wire = requests
    .map(
      (r) =>
        `${r.method} ${r.path} HTTP/1.1\r\nHost: test\r\n${Object.entries(r.headers ?? {})
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('')}\r\n`,
    )
    .join('')
  let text = ''
  return oneConnection(
    port,
    waitMs,
    (socket, finish) => {
      socket.on('connect', () => socket.write(wire))
      socket.on('data', (d: Buffer) => {
        text += d.toString('latin1')
        const parsed = parseAnswers(text, methods)
        if (parsed.error !== null || parsed.answers.length === methods.length) finish(false)
      })
    },
    (closed) => ({ ...parseAnswers(text, methods), closed }),
  )
}
