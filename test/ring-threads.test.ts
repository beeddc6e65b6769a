// Exactly-once, in-order delivery through the ring across real threads, with a small ring (so it wraps
// thousands of times) that starts just below 2^32 (so the position counter wraps mid-test).
// Threads synchronise only through the SAB and messages; every wait is bounded by a deadline.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { expect, onTestFinished, test } from 'vitest'
import { RingReader, RingWriter, createRing, ringDistance } from '../src/ring/ring.js'
import {
  CTL_ABORT,
  CTL_WORDS,
  SEQ_TYPE,
  SeqChecker,
  seqFlags,
  seqLength,
  writeSeqPayload,
} from './fixtures/ring-records.js'

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/test-fixtures')
const RING_BYTES = 32 * 1024
const DEADLINE_MS = 20_000
/** A start position `mib` MiB (plus an odd offset into the buffer) below 2^32. */
const nearWrap = (mib: number): number => (2 ** 32 - mib * 2 ** 20 + 0x1238) >>> 0

/** Start a fixture worker; it is terminated when the test finishes, whatever happens. */
function startWorker(name: string, workerData: object, ctl?: Int32Array): Worker {
  const worker = new Worker(path.join(FIXTURES, `${name}.js`), { workerData })
  onTestFinished(async () => {
    if (ctl) Atomics.store(ctl, CTL_ABORT, 1) // lets a spinning fixture leave its loop on its own
    await worker.terminate()
  })
  return worker
}

/** The first message of a worker; rejects if it errors, exits first, or the deadline passes. */
function firstMessage<T>(worker: Worker, deadline: number): Promise<T> {
  return within(
    deadline,
    new Promise<T>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before reporting`)))
    }),
  )
}

/** Bound a wait: rejects when `deadline` (epoch ms) passes first. A bound, not a sleep. */
function within<T>(deadline: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('deadline passed while waiting for a worker')),
      Math.max(0, deadline - Date.now()),
    )
  })
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer))
}

function control(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(CTL_WORDS * 4))
}

/** Bytes the producer writes for `count` sequence records, not counting PAD records. */
function recordBytesFor(count: number): number {
  let total = 0
  for (let seq = 0; seq < count; seq++) total += (seqLength(seq) + 15) & ~7
  return total
}

interface ProducerResult {
  pushed: number
  fullRetries: number
  head: number
  stats: { padRecords: number; highWater: number }
}

test('producer thread → consumer thread: 1,000,000 records exactly once, in order, intact', async () => {
  const count = 1_000_000
  const start = nearWrap(48)
  const sab = createRing(RING_BYTES, { initialPosition: start })
  const ctl = control()
  const deadline = Date.now() + DEADLINE_MS
  const data = { sab, ctl: ctl.buffer, count, deadline }
  const consumer = startWorker('ring-consumer', data, ctl)
  const consumed = firstMessage<{ received: number; bad: number; segments: number; tail: number }>(
    consumer,
    deadline + 1000,
  )
  const producer = startWorker('ring-producer', data, ctl)
  const produced = firstMessage<ProducerResult>(producer, deadline + 1000)
  const [p, c] = await Promise.all([produced, consumed])

  expect(p.pushed).toBe(count)
  expect(c.bad).toBe(-1) // first corrupt / missing / duplicated sequence number, -1 if none
  expect(c.received).toBe(count)
  expect(c.tail).toBe(p.head) // consumed everything that was published, nothing more
  const written = ringDistance(start, p.head)
  // Everything beyond the records' own bytes is PAD, and each PAD is 8..207 bytes (smaller than a record).
  const padTotal = written - recordBytesFor(count)
  expect(padTotal).toBeGreaterThanOrEqual(8 * p.stats.padRecords)
  expect(padTotal).toBeLessThan(208 * p.stats.padRecords)
  expect(p.head).toBeLessThan(start) // the u32 position counter wrapped
  expect(written / RING_BYTES).toBeGreaterThan(1000) // the buffer wrapped thousands of times
  expect(p.stats.padRecords).toBeGreaterThan(1000)
  expect(p.stats.highWater).toBeLessThanOrEqual(RING_BYTES)
})

test('segment model: main thread reads [tail, head) segments while a worker produces', async () => {
  const count = 300_000
  const start = nearWrap(16)
  const sab = createRing(RING_BYTES, { initialPosition: start })
  const ctl = control()
  const deadline = Date.now() + DEADLINE_MS
  const producer = startWorker('ring-producer', { sab, ctl: ctl.buffer, count, deadline }, ctl)
  const produced = firstMessage<ProducerResult>(producer, deadline + 1000)
  let failure: unknown
  produced.catch((err: unknown) => (failure = err))

  const reader = new RingReader(sab)
  const checker = new SeqChecker()
  const visit = (type: number, offset: number, length: number, flags: number): void =>
    checker.visit(type, offset, length, flags, reader.bytes)
  let segments = 0
  while (checker.next < count) {
    if (failure) throw failure
    if (Date.now() > deadline) throw new Error(`only ${checker.next} of ${count} records before the deadline`)
    const from = reader.tail()
    const to = reader.head()
    if (ringDistance(from, to) === 0 || segments % 64 === 0) {
      // Give the event loop a turn (worker errors, exit) while the producer refills; not a sleep.
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    if (ringDistance(from, to) === 0) continue
    const visited = reader.forEach(from, to, visit)
    expect(visited).toBeGreaterThan(0)
    reader.release(to)
    segments++
  }
  const p = await produced
  expect(checker.bad).toBe(-1)
  expect(checker.next).toBe(count)
  expect(reader.tail()).toBe(p.head)
  expect(segments).toBeGreaterThan(10)
})

test('drain tasks: main thread produces, a worker drains [from, to) segments, main releases in order', async () => {
  const count = 200_000
  const start = nearWrap(8)
  const sab = createRing(RING_BYTES, { initialPosition: start })
  const writer = new RingWriter(sab)
  const deadline = Date.now() + DEADLINE_MS
  const drain = startWorker('ring-drain', { sab })
  type Reply = { id: number; count: number; next: number; bad: number }
  // Replies come back in task order (one worker handles its messages one at a time).
  const pending: Array<{
    id: number
    from: number
    to: number
    resolve: (r: Reply) => void
    reject: (e: unknown) => void
  }> = []
  drain.on('message', (reply: Reply) => pending[0]?.resolve(reply))
  drain.on('error', (err) => {
    for (const t of pending) t.reject(err)
  })
  drain.on('exit', (code) => {
    for (const t of pending) t.reject(new Error(`drain worker exited with code ${code}`))
  })
  const inFlight: Array<{ id: number; to: number; done: Promise<Reply> }> = []
  let submittedTo = writer.head()
  let nextId = 0
  let seq = 0
  let delivered = 0
  let fullRefusals = 0

  while (seq < count || inFlight.length > 0) {
    if (Date.now() > deadline) throw new Error(`drain test stuck at seq ${seq}, delivered ${delivered}`)
    // Produce like the HTTP thread: until the ring is full (never wait), at most a burst per turn.
    for (let burst = 0; seq < count && burst < 4096; burst++) {
      const length = seqLength(seq)
      const offset = writer.reserve(SEQ_TYPE, length, seqFlags(seq))
      if (offset < 0) {
        fullRefusals++
        break
      }
      writeSeqPayload(writer.bytes, offset, seq++, length)
      if ((seq & 7) === 0) writer.publish()
    }
    writer.publish()
    // Hand out the unsubmitted part as a new segment while fewer than 2 tasks are in flight.
    if (inFlight.length < 2 && ringDistance(submittedTo, writer.head()) > 0) {
      const task = { id: nextId++, from: submittedTo, to: writer.head() }
      const done = new Promise<Reply>((resolve, reject) => {
        pending.push({
          ...task,
          resolve: (r) => {
            pending.shift()
            resolve(r)
          },
          reject,
        })
      })
      inFlight.push({ id: task.id, to: task.to, done })
      drain.postMessage(task)
      submittedTo = task.to
      continue
    }
    // Otherwise wait for the oldest task (bounded by the deadline above and the test timeout).
    const oldest = inFlight.shift()
    if (!oldest) continue
    const reply = await within(deadline, oldest.done)
    expect(reply.id).toBe(oldest.id)
    expect(reply.bad).toBe(-1)
    delivered += reply.count
    expect(reply.next).toBe(delivered)
    writer.release(oldest.to) // in order; release asserts monotonic progress
  }
  expect(delivered).toBe(count)
  expect(writer.used()).toBe(0)
  expect(fullRefusals).toBeGreaterThan(0) // the ring did fill up: the drain was the bottleneck at times
  expect(writer.stats().fullRejections).toBe(fullRefusals)
  expect(ringDistance(start, writer.head())).toBeGreaterThan(2 ** 32 - start) // crossed 2^32
})
