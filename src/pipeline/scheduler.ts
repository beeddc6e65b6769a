/**
 * Schedules drain tasks on the main thread, which produces into the rings and so knows every `head`.
 *
 * Piscina is a request/response pool, not a home for polling loops (piscina#154, #678), so the main
 * thread hands out bounded jobs: "drain segment [tail, head) of each of these lanes, in one
 * transaction". A lane is in at most one task at a time, so its segments commit in order and its tail
 * only moves forward; while a task runs, new records pile up and the next segments are larger —
 * batches grow by themselves under load, and at low load one event per task is fine (~60 µs round
 * trip). While the rings keep up, one task at a time takes every lane with records, at most every
 * LINGER_MS; up to `maxInFlight` tasks (one per worker) share the lanes when rings start to fill (`#filling`).
 *
 * A failed task (a worker died, the disk is full) is retried with backoff and nothing is released: the
 * records stay in the ring. A storage fault also makes the server refuse new events at once
 * (src/ops/store-health.ts); otherwise, when the ring fills, the HTTP thread answers 503 — refused, not lost.
 * @module
 */
import type { Piscina } from 'piscina'
import type { RingWriter } from '../ring/index.js'
import type { DrainOutcome, DrainResult, DrainTask, Segment } from '../drain/index.js'
import type { StorageFault } from '../store/index.js'

export interface DrainListener {
  onDrained(result: DrainResult): void
  /** The store could not take the task's segments (a full disk, a vanished directory): they stay in their rings. */
  onFault(fault: StorageFault, lanes: number[]): void
  /** A task failed for any other reason (a bug, a worker that died); the segments stay in their rings too. */
  onFailure(lane: number, error: unknown, attempt: number): void
}

interface LaneState {
  inFlight: boolean
  failures: number
  retryAt: number
  retryTimer: NodeJS.Timeout | null
}

const MAX_BACKOFF_MS = 5_000
/**
 * While calm, a new drain task starts at most this long after the previous one: under load a commit
 * then holds ~20 ms of traffic (~700 events at 36,000/s) instead of whatever arrived during the last
 * commit (~280), and the per-commit cost per event falls accordingly. Stored within 20 ms instead of at
 * once is invisible to a dashboard; durable acknowledgements and shutdown skip the wait.
 */
const LINGER_MS = 20

export class DrainScheduler {
  readonly #lanes: LaneState[]
  #inFlight = 0
  #kickPending = false
  #nextLane = 0
  #syncCommits = false
  #lastStart = 0
  #lingerTimer: NodeJS.Timeout | null = null
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
    // Lanes with records and no task, round robin from the lane after the last one started: with fewer
    // task slots than lanes, starting from lane 0 every time starved the last lanes until their rings
    // filled and their clients got 503s (seen in the e2e bench with maxInFlight = workers).
    const ready: number[] = []
    for (let i = 0; i < lanes; i++) {
      const lane = (this.#nextLane + i) % lanes
      const state = this.#lanes[lane]!
      if (!state.inFlight && this.rings[lane]!.used() > 0 && state.retryAt <= now) ready.push(lane)
    }
    const calm = !this.#syncCommits && !this.#filling()
    const limit = calm ? Math.min(1, this.maxInFlight) : this.maxInFlight
    const slots = Math.min(limit - this.#inFlight, ready.length)
    if (slots > 0 && calm) {
      // Calm: start tasks at most every LINGER_MS, so one commit carries a few ms of traffic and its
      // fixed cost is shared (bench/README.md). Not when someone waits for a durable answer.
      const wait = this.#lastStart + LINGER_MS - now
      if (wait > 0 && !ready.some((lane) => this.mustSync(lane))) return this.#lingerFor(wait)
    }
    // Every ready lane goes, spread over the free slots: one task for all of them while calm.
    for (let g = 0; g < slots; g++) {
      const segments: Segment[] = []
      for (let i = g; i < ready.length; i += slots) {
        const lane = ready[i]!
        segments.push({ lane, from: this.rings[lane]!.tail(), to: this.rings[lane]!.head() })
      }
      const sync = this.#syncCommits || segments.some((s) => this.mustSync(s.lane))
      this.#run({ segments, sync })
    }
    if (slots > 0) {
      this.#lastStart = now
      this.#nextLane = (ready[slots - 1]! + 1) % lanes
    }
    if (this.isIdle()) this.#notifyIdle()
  }

  #lingerFor(ms: number): void {
    if (this.#lingerTimer) return
    this.#lingerTimer = setTimeout(() => {
      this.#lingerTimer = null
      this.kick()
    }, ms)
  }

  /**
   * Whether some lane is over a quarter full. Tasks allowed in flight: ONE while calm (no lane filling,
   * not shutting down), all `maxInFlight` otherwise. Each commit has a fixed cost — every B-tree page it
   * dirties, written and synced, every counter and sketch it rewrites — so one task at a time makes
   * batches larger and the CPU per event smaller (in the e2e bench on 2 cores, ~540 events per task and
   * 34–36 µs per event against ~170 and 42.6 µs with a task per worker). Parallel drains are for when one
   * cannot keep up: the rings filling is the sign, long before they refuse anything. Then no task waits
   * for LINGER_MS either.
   */
  #filling(): boolean {
    for (const ring of this.rings) if (ring.used() > ring.capacity / 4) return true
    return false
  }

  #run(task: DrainTask): void {
    const states = task.segments.map((s) => this.#lanes[s.lane]!)
    for (const state of states) state.inFlight = true
    this.#inFlight++
    const failed = (): void => {
      for (const state of states) {
        state.failures++
        const backoff = Math.min(MAX_BACKOFF_MS, 50 * 2 ** Math.min(state.failures, 10))
        state.retryAt = Date.now() + backoff
        if (state.retryTimer) clearTimeout(state.retryTimer)
        state.retryTimer = setTimeout(() => {
          state.retryTimer = null
          // The timer firing is the permission to retry: timers run on a monotonic clock and may fire a
          // millisecond before Date.now() reaches retryAt, and then the lane was never retried at all
          // (seen with ingest refused while the store was degraded: nothing else kicked the scheduler).
          state.retryAt = 0
          this.kick()
        }, backoff)
      }
      this.#finish(states)
    }
    this.pool.run(task).then(
      (outcome: DrainOutcome) => {
        if ('failed' in outcome) {
          failed()
          return this.listener.onFault(
            outcome.failed,
            task.segments.map((s) => s.lane),
          )
        }
        for (const { lane, to } of outcome.segments) this.rings[lane]!.release(to)
        for (const state of states) state.failures = 0
        this.#finish(states)
        this.listener.onDrained(outcome)
      },
      (error: unknown) => {
        failed()
        for (const { lane } of task.segments) this.listener.onFailure(lane, error, this.#lanes[lane]!.failures)
      },
    )
  }

  #finish(states: LaneState[]): void {
    for (const state of states) state.inFlight = false
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
    if (this.#lingerTimer) clearTimeout(this.#lingerTimer)
  }
}
