/**
 * A Server-Sent Events stream over a uWS response. Every write is corked (writes from timers and
 * listeners run outside uWS callbacks: uWebSockets.js#920) and none happens after the client went away
 * (touching an aborted response kills the process: uWebSockets.js#123). When the client reads slower
 * than we write, events are skipped — each one carries complete figures, so the next replaces it —
 * rather than buffered without bound.
 * @module
 */
import type { HttpResponse } from '../native/uws.js'
import { statusLine, writeHead } from '../http/respond.js'

/** The status line and headers of a stream. */
function writeStreamHead(res: HttpResponse): void {
  writeHead(res, statusLine(200))
  res.writeHeader('Content-Type', 'text/event-stream; charset=utf-8')
  res.writeHeader('Cache-Control', 'no-cache')
  res.writeHeader('X-Accel-Buffering', 'no')
}

/** The answer to HEAD on a stream route: the stream's head, ended at once (no Content-Length: a stream has none). */
export function endStreamHead(res: HttpResponse): void {
  writeStreamHead(res)
  res.endWithoutBody()
}

export class SseStream {
  #open = true
  #congested = false
  readonly #onClose: Array<() => void> = []

  /** The handler calls {@link aborted} from `res.onAborted`; `onClose` callbacks run on abort and on {@link end}. */
  constructor(private readonly res: HttpResponse) {}

  get open(): boolean {
    return this.#open
  }

  /** Sends the status and headers (and a first comment, so proxies and clients see the stream start). */
  start(): void {
    this.#write(() => {
      writeStreamHead(this.res)
      this.res.write(': connected\nretry: 3000\n\n')
    })
  }

  /** One event; `data` is JSON on a single line (JSON.stringify never emits a raw newline). */
  send(event: string, data: unknown): boolean {
    if (this.#congested) return false
    return this.#write(() => this.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`))
  }

  /** A comment line: keeps idle proxies from closing the connection. */
  comment(text: string): boolean {
    if (this.#congested) return false
    return this.#write(() => this.res.write(`: ${text}\n\n`))
  }

  onClose(fn: () => void): void {
    if (this.#open) this.#onClose.push(fn)
    else fn()
  }

  /** The client went away: never touch the response again. */
  aborted(): void {
    this.#finish()
  }

  /** We end the stream (shutdown). */
  end(): void {
    if (!this.#open) return
    this.res.cork(() => this.res.end())
    this.#finish()
  }

  // biome-ignore lint/suspicious/noConfusingVoidType: callers pass `() => res.write(…)` and `() => { … }` alike
  #write(fn: () => boolean | void): boolean {
    if (!this.#open) return false
    let ok = true
    this.res.cork(() => {
      ok = fn() !== false
    })
    if (!ok) {
      this.#congested = true
      this.res.onWritable(() => {
        this.#congested = false
        return true
      })
    }
    return ok
  }

  #finish(): void {
    if (!this.#open) return
    this.#open = false
    for (const fn of this.#onClose.splice(0)) fn()
  }
}
