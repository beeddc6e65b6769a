/**
 * Schedules drain tasks on the main thread, which produces into the rings and so knows every `head`.
 *
 * Piscina is a request/response pool, not a home for polling loops (piscina#154, #678), so the main
 * thread hands out bounded jobs: "drain lane L, segment [tail, head)". A lane has at most one task in
 * flight, so its segments commit in order and its tail only moves forward; while a task runs, new
 * records pile up behind it and the next segment is larger — batches grow by themselves under load,
 * and at low load one event per task is fine (~60 µs round trip). One task runs at a time while the
 * rings keep up; up to `maxInFlight` (one per worker) when they start to fill (see `#limit`).
 *
 * A failed task (a worker died, the disk is full) is retried with backoff and nothing is released: the
 * records stay in the ring, and when the ring fills the HTTP thread answers 503 — refused, not lost.
 * @module
 */
import type { Piscina } from 'piscina'
import type { RingWriter } from '../ring/index.js'
import type { DrainResult, DrainTask } from './protocol.js'

export interface DrainListener {
  onDrained(result: DrainResult): void
  onFailure(lane: number, error: unknown, attempt: number): void
}

interface LaneState {
  inFlight: boolean
  failures: number
  retryAt: number
  retryTimer: NodeJS.Timeout | null
}

const MAX_BACKOFF_MS = 5_000

export class DrainScheduler {
  readonly #lanes: LaneState[]
  #inFlight = 0
  #kickPending = false
  #nextLane = 0
  #syncCommits = false
  #idleWaiters: Array<() => void> = []

  constructor(
    private readonly pool: Piscina,
    private readonly rings: RingWriter[],
    private readonly maxInFlight: number,
    private readonly listener: DrainListener,
    /** Whether a lane's next task must flush to disk before it reports (durable acknowledgements wait). */
    private readonly mustSync: (lane: number) => boolean = () => false,
  ) {
    this.#lanes = rings.map(() => ({ inFlight: false, failures: 0, retryAt: 0, retryTimer: null }))
  }

  /** Call after publishing to a ring: schedules one dispatch at the end of this event-loop turn. */
  kick(): void {
    if (this.#kickPending) return
    this.#kickPending = true
    setImmediate(this.#dispatch)
  }

  get inFlight(): number {
    return this.#inFlight
  }

  /** Lanes whose last task failed (for /readyz). */
  get failingLanes(): number {
    return this.#lanes.filter((l) => l.failures > 0).length
  }

  /** True when every ring is empty and no task is running. */
  isIdle(): boolean {
    return this.#inFlight === 0 && this.rings.every((r) => r.used() === 0)
  }

  /**
   * Drains everything that is in the rings now and flushes it to disk. Resolves true when done, false
   * when `timeoutMs` passed first (the caller must then report what was not drained as lost).
   */
  async drainAll(timeoutMs: number): Promise<boolean> {
    this.#syncCommits = true
    this.kick()
    if (this.isIdle()) return true
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs)
      this.#idleWaiters.push(() => {
        clearTimeout(timer)
        resolve(true)
      })
    })
  }

  #dispatch = (): void => {
    this.#kickPending = false
    const now = Date.now()
    const lanes = this.rings.length
    const start = this.#nextLane
    // Round robin from the lane after the last one started: with fewer task slots than lanes (one
    // worker: 2 slots, 4 lanes), starting from lane 0 every time starved the last lanes until their
    // rings filled and their clients got 503s (seen in the e2e bench with maxInFlight = workers).
    const limit = this.#limit()
    for (let i = 0; i < lanes && this.#inFlight < limit; i++) {
      const lane = (start + i) % lanes
      const state = this.#lanes[lane]!
      const ring = this.rings[lane]!
      if (state.inFlight || ring.used() === 0 || state.retryAt > now) continue
      this.#run(lane, { lane, from: ring.tail(), to: ring.head(), sync: this.#syncCommits || this.mustSync(lane) })
      this.#nextLane = (lane + 1) % lanes
    }
    if (this.isIdle()) this.#notifyIdle()
  }

  /**
   * Tasks allowed in flight now: ONE while the rings keep up, all `maxInFlight` once some lane is over
   * a quarter full (or when shutting down). Each commit has a fixed cost — every B-tree page it dirties
   * (a session write per visitor lands on its own page), written and synced — so one task at a time
   * makes batches larger and the CPU per event smaller: in the e2e bench on 2 cores, ~540 events per
   * task and 34–36 µs per event against ~170 and 42.6 µs with a task per worker. Parallel drains are
   * for when one cannot keep up: the rings filling is the sign, long before they refuse anything.
   */
  #limit(): number {
    if (this.maxInFlight <= 1 || this.#syncCommits) return this.maxInFlight
    for (const ring of this.rings) if (ring.used() > ring.capacity / 4) return this.maxInFlight
    return 1
  }

  #run(lane: number, task: DrainTask): void {
    const state = this.#lanes[lane]!
    state.inFlight = true
    this.#inFlight++
    this.pool.run(task).then(
      (result: DrainResult) => {
        this.rings[lane]!.release(result.to)
        state.failures = 0
        this.#finish(state)
        this.listener.onDrained(result)
      },
      (error: unknown) => {
        state.failures++
        const backoff = Math.min(MAX_BACKOFF_MS, 50 * 2 ** Math.min(state.failures, 10))
        state.retryAt = Date.now() + backoff
        state.retryTimer = setTimeout(() => {
          state.retryTimer = null
          this.kick()
        }, backoff)
        this.#finish(state)
        this.listener.onFailure(lane, error, state.failures)
      },
    )
  }

  #finish(state: LaneState): void {
    state.inFlight = false
    this.#inFlight--
    this.kick()
  }

  #notifyIdle(): void {
    const waiters = this.#idleWaiters
    this.#idleWaiters = []
    for (const w of waiters) w()
  }

  /** Stops retry timers (after drainAll, before closing the pool). */
  stop(): void {
    for (const l of this.#lanes) if (l.retryTimer) clearTimeout(l.retryTimer)
  }
}
