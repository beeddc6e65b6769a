/**
 * The open Server-Sent-Event streams of the API: who opened each one (user), for which site, from which
 * client IP, and how to ask whether that caller may still watch it.
 *
 * - Caps: at most `perUser` open streams per user (over all their sessions and API clients) and
 *   `perIp` per client IP (IPv6 by /64, as the rate limiters count), checked before a stream starts:
 *   beyond either, 429 `too_many_streams`. A long-lived connection holds a socket, timers and a hub
 *   subscription for as long as the client wants; without a cap one account or one address could hold
 *   any number.
 * - Revocation: {@link StreamRegistry.revalidate} asks every open stream's `allowed()` and ends those
 *   whose caller lost access. It runs after each admin write that can take access away (./revocation.ts);
 *   the stream's own pushes and heartbeats ask too (./routes/realtime.ts), which covers what no write
 *   announces — a login session reaching its expiry.
 *
 * All on the main thread: `allowed()` reads LMDB (a few gets per stream), and streams are few.
 * @module
 */
import type { HttpResponse } from '../native/uws.js'
import { refuse, type Refusal } from '../errors/index.js'
import { limiterKeyBytes } from '../net/ip.js'
import type { Logger } from '../ops/logger.js'
import { SseStream } from './sse.js'

export interface StreamCaps {
  perUser: number
  perIp: number
}

/**
 * Who watches what, from where; `allowed()` renews the read snapshot itself, reads the store afresh and never throws.
 */
export interface StreamOwner {
  userId: string
  ip: Uint8Array
  siteId: string
  allowed(): boolean
}

/**
 * How long a refused client is asked to wait: a place frees only when one of its streams closes, which
 * nothing here can predict; half a minute keeps a retrying script from spinning.
 */
export const STREAM_RETRY_AFTER_S = 30

interface Entry {
  owner: StreamOwner
  ipKey: string
}

export class StreamRegistry {
  readonly #open = new Map<SseStream, Entry>()
  readonly #perUser = new Map<string, number>()
  readonly #perIp = new Map<string, number>()

  constructor(
    private readonly caps: StreamCaps,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.#open.size
  }

  /** The 429 for a stream `owner` may not open now, or null. */
  refusal(owner: Pick<StreamOwner, 'userId' | 'ip'>): Refusal | null {
    if ((this.#perUser.get(owner.userId) ?? 0) >= this.caps.perUser)
      return refuse('too_many_streams', 'user', this.caps.perUser, '-stream-max-per-user', STREAM_RETRY_AFTER_S)
    if ((this.#perIp.get(ipKeyOf(owner.ip)) ?? 0) >= this.caps.perIp)
      return refuse('too_many_streams', 'client IP', this.caps.perIp, '-stream-max-per-ip', STREAM_RETRY_AFTER_S)
    return null
  }

  /** Starts a stream on `res` (status and headers sent) and counts it until it closes, whoever closes it. */
  open(res: HttpResponse, owner: StreamOwner): SseStream {
    const sse = new SseStream(res)
    const entry: Entry = { owner, ipKey: ipKeyOf(owner.ip) }
    this.#open.set(sse, entry)
    bump(this.#perUser, owner.userId, 1)
    bump(this.#perIp, entry.ipKey, 1)
    sse.onClose(() => {
      this.#open.delete(sse)
      bump(this.#perUser, owner.userId, -1)
      bump(this.#perIp, entry.ipKey, -1)
    })
    sse.start()
    return sse
  }

  /** Ends every stream whose caller may no longer watch its site; returns how many were ended. */
  revalidate(): number {
    let ended = 0
    for (const [sse, { owner }] of [...this.#open]) {
      if (owner.allowed()) continue
      sse.end()
      ended++
    }
    if (ended > 0) this.logger.debug({ ended, open: this.#open.size }, 'streams ended: their callers lost access')
    return ended
  }

  /** Ends every open stream (shutdown). */
  closeAll(): void {
    for (const sse of [...this.#open.keys()]) sse.end()
  }
}

function ipKeyOf(ip: Uint8Array): string {
  return Buffer.from(limiterKeyBytes(ip)).toString('hex')
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by
  if (n > 0) counts.set(key, n)
  else counts.delete(key)
}
