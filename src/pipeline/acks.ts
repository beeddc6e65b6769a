/**
 * Durable acknowledgement (`-ingest-ack=durable`, or `X-Hitring-Ack: durable` on a request): the answer
 * waits until the LMDB transaction holding the request's events has committed and been flushed to disk.
 * The HTTP thread never waits: it parks a callback on the ring position after its last record, and the
 * callback runs when the drain reports that lane drained up to (at least) that position. Many requests
 * share one commit (group commit), and a lane with a parked callback is drained with `sync`.
 * @module
 */
import { ringDistance } from '../ring/index.js'

interface Waiter {
  position: number
  done: (stored: boolean) => void
}

export class DurableAcks {
  readonly #lanes: Waiter[][]

  constructor(lanes: number) {
    this.#lanes = Array.from({ length: lanes }, () => [])
  }

  /** Calls `done(true)` once `lane` has been drained and flushed up to `position` (a ring head after publish). */
  wait(lane: number, position: number, done: (stored: boolean) => void): void {
    this.#lanes[lane]!.push({ position, done })
  }

  /** Whether a drain task of `lane` must flush before it reports (someone waits on it). */
  waiting(lane: number): boolean {
    return this.#lanes[lane]!.length > 0
  }

  /** A drain task of `lane` committed (and flushed) everything before `to`. */
  drained(lane: number, to: number, flushed: boolean): void {
    if (!flushed) return
    const queue = this.#lanes[lane]!
    let n = 0
    // Positions only grow: compare distances, never values (they wrap at 2^32).
    while (n < queue.length && ringDistance(queue[n]!.position, to) < 0x8000_0000) n++
    if (n === 0) return
    for (const w of queue.splice(0, n)) w.done(true)
  }

  /** Shutdown gave up: everyone still waiting hears that their events were not stored. Returns how many. */
  failAll(): number {
    let n = 0
    for (const queue of this.#lanes) {
      for (const w of queue.splice(0)) {
        w.done(false)
        n++
      }
    }
    return n
  }
}
