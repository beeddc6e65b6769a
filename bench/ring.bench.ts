// Ring micro-benchmark. Run: `node esbuild.config.mjs && node dist/bench/ring.bench.js`.
//  1. One thread (tinybench): push + forEach + release of 100-byte records, batches of 1 and 256, next to
//     naive alternatives (per-byte DataView copy into the same ring; a JS array-of-Buffers queue).
//  2. Two threads: records/s from this thread (the producer, like the HTTP thread) to a consumer worker
//     that reads and releases; and, for scale, postMessage of each record (the naive cross-thread path).
// The same file is the consumer worker (workerData.role), so the bundle needs no second entry point.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { Bench } from 'tinybench'
import { RingReader, RingWriter, createRing } from '../src/ring/index.js'

const PAYLOAD = 100
const TYPE = 1
const BATCH = 256

if (isMainThread) await main()
else if ((workerData as { role?: string })?.role === 'ring-consumer') ringConsumer(workerData as ConsumerData)
else if ((workerData as { role?: string })?.role === 'message-consumer')
  messageConsumer(workerData as { count: number })

async function main(): Promise<void> {
  const payload = new Uint8Array(PAYLOAD).map((_, i) => (i * 7) & 0xff)
  const sab = createRing(1 << 20)
  const writer = new RingWriter(sab)
  const reader = new RingReader(sab)
  let sink = 0 // consumers touch the payload so nothing is optimised away
  const touch = (_type: number, offset: number, length: number): void => {
    sink += reader.bytes[offset] + length
  }
  const drain = (): void => {
    const to = writer.head()
    reader.forEach(writer.tail(), to, touch)
    writer.release(to)
  }
  const pushOrThrow = (ok: boolean): void => {
    if (!ok) throw new Error('ring full in a single-thread bench: drain is broken')
  }

  const queue: Buffer[] = []
  const bench = new Bench({ name: 'ring: 100-byte records, one thread', time: 700, warmupTime: 150 })
  bench
    .add('ring push+forEach+release, batch 1', () => {
      pushOrThrow(writer.push(TYPE, payload))
      drain()
    })
    .add(`ring push+forEach+release, batch ${BATCH}`, () => {
      for (let i = 0; i < BATCH; i++) pushOrThrow(writer.push(TYPE, payload))
      drain()
    })
    .add(`ring reserve+set ×${BATCH}, one publish, forEach+release`, () => {
      for (let i = 0; i < BATCH; i++) {
        const offset = writer.reserve(TYPE, PAYLOAD)
        if (offset < 0) throw new Error('ring full')
        writer.bytes.set(payload, offset)
      }
      writer.publish()
      drain()
    })
    .add(`naive: per-byte DataView copy, batch ${BATCH}`, () => {
      for (let i = 0; i < BATCH; i++) {
        const offset = writer.reserve(TYPE, PAYLOAD)
        if (offset < 0) throw new Error('ring full')
        for (let b = 0; b < PAYLOAD; b++) writer.view.setUint8(offset + b, payload[b])
        writer.publish()
      }
      drain()
    })
    .add(`naive: array-of-Buffers queue, batch ${BATCH}`, () => {
      for (let i = 0; i < BATCH; i++) queue.push(Buffer.from(payload))
      while (queue.length > 0) {
        const b = queue.shift()!
        sink += b[0] + b.length
      }
    })
  await bench.run()
  console.log(bench.name)
  console.table(bench.table())
  for (const task of bench.tasks) {
    const r = task.result
    if (r.state !== 'completed') continue
    const perBatch = task.name.includes(`${BATCH}`) ? BATCH : 1
    console.log(`  ${task.name}: ${((r.latency.mean * 1e6) / perBatch).toFixed(1)} ns/record`)
  }
  if (sink === 42) console.log('')

  for (const [ringBytes, publishEvery] of [
    [1 << 20, 1],
    [1 << 20, 16],
    [64 << 10, 1],
  ]) {
    const { seconds, fullRetries } = await twoThreadRing(2_000_000, ringBytes, publishEvery)
    console.log(
      `two threads, ${ringBytes >> 10} KiB ring, ${PAYLOAD}-byte records, publish every ${publishEvery}: ` +
        `${fmt(2_000_000 / seconds)} records/s (${fmt((2_000_000 * PAYLOAD) / seconds / 2 ** 20)} MiB/s payload, ` +
        `${fullRetries} full refusals retried)`,
    )
  }
  const messages = 200_000
  console.log(
    `two threads, postMessage per ${PAYLOAD}-byte record (naive): ` +
      `${fmt(messages / (await twoThreadMessages(messages)))} records/s`,
  )
}

interface ConsumerData {
  role: 'ring-consumer'
  sab: SharedArrayBuffer
  ctl: SharedArrayBuffer
  count: number
}
const CTL_READY = 0
const CTL_DONE = 1

/** Producer = this thread (spins when full: a bench, not the HTTP thread); consumer = a worker. */
async function twoThreadRing(
  count: number,
  ringBytes: number,
  publishEvery: number,
): Promise<{ seconds: number; fullRetries: number }> {
  const sab = createRing(ringBytes)
  const ctl = new Int32Array(new SharedArrayBuffer(8))
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { role: 'ring-consumer', sab, ctl: ctl.buffer, count },
  })
  try {
    if (Atomics.wait(ctl, CTL_READY, 0, 10_000) === 'timed-out') throw new Error('consumer did not start')
    const writer = new RingWriter(sab)
    const payload = new Uint8Array(PAYLOAD).fill(1)
    let fullRetries = 0
    const started = performance.now()
    const deadline = Date.now() + 30_000
    for (let i = 0; i < count; ) {
      const offset = writer.reserve(TYPE, PAYLOAD)
      if (offset < 0) {
        writer.publish()
        if ((++fullRetries & 0xfff) === 0 && Date.now() > deadline) throw new Error('consumer stopped draining')
        continue
      }
      writer.bytes.set(payload, offset)
      if (++i % publishEvery === 0) writer.publish() // the HTTP thread publishes per event (1)
    }
    writer.publish()
    if (Atomics.wait(ctl, CTL_DONE, 0, 30_000) === 'timed-out') throw new Error('consumer did not finish in 30 s')
    const seconds = (performance.now() - started) / 1000
    if (Atomics.load(ctl, CTL_DONE) !== 1) throw new Error('consumer saw wrong records')
    return { seconds, fullRetries }
  } finally {
    await worker.terminate()
  }
}

function ringConsumer({ sab, ctl: ctlBuf, count }: ConsumerData): void {
  const ctl = new Int32Array(ctlBuf)
  const reader = new RingReader(sab)
  let received = 0
  let sum = 0
  const visit = (_type: number, offset: number): void => {
    sum += reader.bytes[offset]
    received++
  }
  Atomics.store(ctl, CTL_READY, 1)
  Atomics.notify(ctl, CTL_READY)
  const deadline = Date.now() + 30_000
  while (received < count && Date.now() < deadline) {
    const from = reader.tail()
    const to = reader.head()
    if (from === to) continue // spin: this consumer owns a core for the measurement
    reader.forEach(from, to, visit)
    reader.release(to)
  }
  Atomics.store(ctl, CTL_DONE, received === count && sum === count ? 1 : 2)
  Atomics.notify(ctl, CTL_DONE)
}

async function twoThreadMessages(count: number): Promise<number> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: 'message-consumer', count } })
  try {
    await new Promise((resolve) => worker.once('message', resolve)) // ready
    const payload = new Uint8Array(PAYLOAD).fill(1)
    const started = performance.now()
    const done = new Promise((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    for (let i = 0; i < count; i++) worker.postMessage(payload)
    await done
    return (performance.now() - started) / 1000
  } finally {
    await worker.terminate()
  }
}

function messageConsumer({ count }: { count: number }): void {
  let received = 0
  parentPort!.on('message', () => {
    if (++received === count) parentPort!.postMessage('done')
  })
  parentPort!.postMessage('ready')
}

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(1)
}
