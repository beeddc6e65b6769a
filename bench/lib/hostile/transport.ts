/**
 * Raw-socket transport of the fuzzer: pipelined keep-alive connections for well-framed requests, and
 * a connection per case for everything whose answer (or silence) must not be confused with another's —
 * malformed protocol, bodies cut off, streams, HEAD, declared lengths over a limit.
 * @module
 */
import { connect, type Socket } from 'node:net'
import type { HostileCase } from './case.js'
import { type ProtocolError, ResponseReader, type Answer } from './response.js'

export type Outcome =
  | {
      kind: 'answer'
      answer: Answer /** bytes after the head of a HEAD answer */
      headBody?: number /** a second answer on a solo connection */
      second?: Answer
    }
  /**
   * The connection closed (or was reset) before any answer; `whileSending` when our bytes were not all
   * written yet — a server that refuses on the head and closes may have its answer lost to the reset.
   */
  | { kind: 'closed'; whileSending?: boolean }
  /** No answer and no close within the wait. */
  | { kind: 'silent' }
  /** Bytes that are not an HTTP response. */
  | { kind: 'garbled'; error: string }

/** How long a well-framed request may go unanswered before it counts as a hang (uWS's idle timeout is ~10 s). */
export const ANSWER_TIMEOUT_MS = 10_000

function open(port: number): Socket {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true })
  socket.on('error', () => {}) // resets are outcomes, read from 'close'
  return socket
}

/** One case on a connection of its own. */
export function sendSolo(port: number, c: HostileCase): Promise<Outcome> {
  const opts = c.solo ?? { waitMs: ANSWER_TIMEOUT_MS }
  return new Promise((resolve) => {
    const socket = open(port)
    const reader = new ResponseReader()
    let first: Answer | null = null
    let headBody: number | undefined
    let done = false
    const timers: NodeJS.Timeout[] = []
    const finish = (o: Outcome): void => {
      if (done) return
      done = true
      for (const t of timers) clearTimeout(t)
      socket.destroy()
      resolve(o)
    }
    const answered = (second?: Answer): Outcome => ({
      kind: 'answer',
      answer: first!,
      ...(headBody !== undefined ? { headBody } : {}),
      ...(second ? { second } : {}),
    })
    const read = (): void => {
      try {
        if (first === null) {
          first = reader.next(opts.read ?? 'full')
          if (first === null) return
          if (c.method === 'HEAD') headBody = 0
          if (!opts.listenAfterMs) return finish(answered())
          timers.push(setTimeout(() => finish(answered()), opts.listenAfterMs))
        }
        if (c.method === 'HEAD') headBody = (headBody ?? 0) + reader.drain().length
        else {
          const second = reader.next('head')
          if (second !== null) finish(answered(second))
        }
      } catch (err) {
        if (first !== null) return finish(answered())
        finish({ kind: 'garbled', error: (err as ProtocolError).message })
      }
    }
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk)
      read()
    })
    socket.on('close', () =>
      finish(first !== null ? answered() : { kind: 'closed', ...(written ? {} : { whileSending: true }) }),
    )
    const waitForAnswer = (): void =>
      void timers.push(setTimeout(() => finish(first !== null ? answered() : { kind: 'silent' }), opts.waitMs))
    let written = false
    const last = (bytes: Buffer): void => {
      socket.write(bytes, () => (written = true))
      if (opts.endAfterWrite) socket.end()
      waitForAnswer()
    }
    socket.once('connect', () => {
      if (opts.cutHeadAt !== undefined) return last(c.head.subarray(0, Math.floor(c.head.length * opts.cutHeadAt)))
      if (opts.headFirstMs === undefined || c.body.length === 0)
        return last(c.body.length > 0 ? Buffer.concat([c.head, c.body]) : c.head)
      socket.write(c.head)
      timers.push(
        setTimeout(() => {
          if (!done && first === null) last(c.body)
        }, opts.headFirstMs),
      )
    })
  })
}

/**
 * A keep-alive connection that sends a batch of well-framed requests back to back and reads the answers
 * in order. Cases left unanswered when the connection ends (after an answer with `Connection: close`,
 * or a close the server chose) come back as `leftover`, to be sent again alone, so the case that made
 * the server close is judged on a connection of its own.
 */
export class PipelinedConnection {
  readonly #port: number
  #socket: Socket | null = null

  constructor(port: number) {
    this.#port = port
  }

  run(batch: HostileCase[]): Promise<{ done: Array<[HostileCase, Outcome]>; leftover: HostileCase[] }> {
    if (this.#socket === null) {
      const fresh = (this.#socket = open(this.#port))
      fresh.once('close', () => {
        if (this.#socket === fresh) this.#socket = null
      })
    }
    const socket = this.#socket
    const reader = new ResponseReader()
    const done: Array<[HostileCase, Outcome]> = []
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout
      let closing = false
      const end = (first?: Outcome): void => {
        clearTimeout(timer)
        socket.off('data', onData)
        socket.off('close', onClose)
        const rest = batch.slice(done.length)
        if (first !== undefined && rest.length > 0) done.push([rest.shift()!, first])
        if (rest.length > 0 || first !== undefined || closing) {
          socket.destroy()
          this.#socket = null
        }
        resolve({ done, leftover: rest })
      }
      const arm = (): void => {
        clearTimeout(timer)
        timer = setTimeout(() => end({ kind: 'silent' }), ANSWER_TIMEOUT_MS)
      }
      const onData = (chunk: Buffer): void => {
        reader.push(chunk)
        try {
          for (;;) {
            const answer = reader.next()
            if (answer === null) break
            done.push([batch[done.length]!, { kind: 'answer', answer }])
            closing = answer.close
            if (done.length === batch.length || closing) return end()
          }
        } catch (err) {
          return end({ kind: 'garbled', error: (err as Error).message })
        }
        arm()
      }
      const onClose = (): void => end()
      socket.on('data', onData)
      socket.on('close', onClose)
      if (socket.destroyed) return end()
      arm()
      socket.write(Buffer.concat(batch.flatMap((c) => (c.body.length > 0 ? [c.head, c.body] : [c.head]))))
    })
  }

  close(): void {
    this.#socket?.destroy()
    this.#socket = null
  }
}
