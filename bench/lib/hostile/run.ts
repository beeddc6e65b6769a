/**
 * Runs cases against a live server: pipelined connections and solo connections working through one
 * stream of generated cases, each answer judged by the oracle; meanwhile the server's RSS is sampled
 * from /proc and its exit watched. Used by `npm run fuzz` (bench/fuzz.ts) and test/fuzz-hostile.test.ts.
 * @module
 */
import { readFileSync } from 'node:fs'
import type { HostileCase } from './case.js'
import { generateCase, type GenContext } from './generate.js'
import { judge } from './oracle.js'
import { Tally } from './tally.js'
import { PipelinedConnection, sendSolo, ANSWER_TIMEOUT_MS, type Outcome } from './transport.js'

export interface FuzzOptions {
  port: number
  pid: number
  ctx: GenContext
  seed: number
  /** Case indices [first, first + cases). */
  cases: number
  first?: number
  /** Only these indices (a replay). */
  only?: number[]
  /** Keep-alive connections, and requests in flight on each. */
  pipelines?: number
  depth?: number
  /** Cases on connections of their own at once. */
  soloConcurrency?: number
  /** Resolves when the server process exits: the run stops and says so. */
  exited: Promise<unknown>
  onProgress?(done: number, total: number): void
  /** Called with every case as it is judged (replays print them). */
  onCase?(c: HostileCase, verdict: ReturnType<typeof judge>, outcome: Parameters<typeof judge>[1]): void
}

export interface FuzzResult {
  tally: Tally
  crashed: boolean
  /** Case indices in flight when the server exited. */
  inFlightAtExit: number[]
  /** Highest VmRSS seen (sampled every 100 ms), and the highest in each tenth of the run. */
  maxRssBytes: number
  rssByTenth: number[]
  wallMs: number
}

export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) * 1024 : NaN
}

/** One stream of cases for both kinds of worker; a worker waits while the other kind's queue is full. */
class Source {
  readonly #ctx: GenContext
  readonly #seed: number
  readonly #indices: Iterator<number>
  #exhausted = false
  readonly pipe: HostileCase[] = []
  readonly solo: HostileCase[] = []

  constructor(ctx: GenContext, seed: number, indices: Iterable<number>) {
    this.#ctx = ctx
    this.#seed = seed
    this.#indices = indices[Symbol.iterator]()
  }

  get exhausted(): boolean {
    return this.#exhausted && this.pipe.length === 0 && this.solo.length === 0
  }

  take(solo: boolean): HostileCase | undefined {
    const mine = solo ? this.solo : this.pipe
    const theirs = solo ? this.pipe : this.solo
    while (mine.length === 0 && !this.#exhausted && theirs.length < 2000) {
      const next = this.#indices.next()
      if (next.done) this.#exhausted = true
      else {
        const c = generateCase(this.#ctx, this.#seed, next.value)
        ;(c.solo ? this.solo : this.pipe).push(c)
      }
    }
    return mine.shift()
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function runFuzz(o: FuzzOptions): Promise<FuzzResult> {
  const first = o.first ?? 0
  const indices = o.only ?? Array.from({ length: o.cases }, (_, i) => first + i)
  const total = indices.length
  const source = new Source(o.ctx, o.seed, indices)
  const tally = new Tally()
  const inFlight = new Set<number>()
  let crashed = false
  let inFlightAtExit: number[] = []
  void o.exited.then(() => {
    if (crashed) return
    crashed = true
    inFlightAtExit = [...inFlight].sort((a, b) => a - b)
  })
  try {
    process.kill(o.pid, 0)
  } catch {
    crashed = true // not running before the first case: nothing was in flight
  }
  let maxRss = 0
  const rssByTenth = Array.from({ length: 10 }, () => 0)
  const sample = (): void => {
    if (crashed) return
    try {
      const rss = rssBytes(o.pid)
      maxRss = Math.max(maxRss, rss)
      const tenth = Math.min(9, Math.floor((tally.cases / Math.max(1, total)) * 10))
      rssByTenth[tenth] = Math.max(rssByTenth[tenth]!, rss)
    } catch {
      // the process is gone: `exited` says so
    }
  }
  const sampler = setInterval(sample, 100)
  let lastProgress = 0
  const record = (c: HostileCase, outcome: Outcome): void => {
    inFlight.delete(c.index)
    // A server that died mid-case did not answer it: that is the crash, reported once, not per case.
    if (crashed) return
    const verdict = judge(c, outcome)
    tally.add(c, outcome, verdict)
    o.onCase?.(c, verdict, outcome)
    if (o.onProgress && tally.cases - lastProgress >= total / 10) {
      lastProgress = tally.cases
      o.onProgress(tally.cases, total)
    }
  }
  const started = performance.now()

  /** One case on its own connection. */
  const sendAlone = async (c: HostileCase): Promise<Outcome> => {
    const outcome = await sendSolo(o.port, c)
    // Closed while we were still sending: the server may have answered early and the reset lost the answer.
    // Again, with the head first and 2 s for that early answer, so the case is judged on what the server said.
    if (outcome.kind !== 'closed' || !outcome.whileSending || c.solo?.headFirstMs !== undefined) return outcome
    return sendSolo(o.port, { ...c, solo: { ...(c.solo ?? { waitMs: ANSWER_TIMEOUT_MS }), headFirstMs: 2_000 } })
  }
  const soloWorker = async (): Promise<void> => {
    while (!crashed) {
      const c = source.take(true)
      if (c === undefined) {
        if (source.exhausted) return
        await sleep(5)
        continue
      }
      inFlight.add(c.index)
      record(c, await sendAlone(c))
    }
  }
  const pipeWorker = async (): Promise<void> => {
    const conn = new PipelinedConnection(o.port)
    try {
      while (!crashed) {
        const batch: HostileCase[] = []
        while (batch.length < (o.depth ?? 8)) {
          const c = source.take(false)
          if (c === undefined) break
          batch.push(c)
        }
        if (batch.length === 0) {
          if (source.exhausted) return
          await sleep(5)
          continue
        }
        for (const c of batch) inFlight.add(c.index)
        const { done, leftover } = await conn.run(batch)
        for (const [c, outcome] of done) record(c, outcome)
        // Unanswered when the connection ended: each is sent again alone, to be judged on its own.
        for (const c of leftover) record(c, await sendAlone({ ...c, solo: { waitMs: ANSWER_TIMEOUT_MS } }))
      }
    } finally {
      conn.close()
    }
  }
  await Promise.all([
    ...Array.from({ length: o.pipelines ?? 16 }, pipeWorker),
    ...Array.from({ length: o.soloConcurrency ?? 96 }, soloWorker),
  ])
  clearInterval(sampler)
  sample()
  return { tally, crashed, inFlightAtExit, maxRssBytes: maxRss, rssByTenth, wallMs: performance.now() - started }
}
