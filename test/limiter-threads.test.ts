import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { expect, onTestFinished, test } from 'vitest'
import { createLimiterTable, RateLimiter } from '../src/limiter/gcra.js'
import type { HammerData, HammerResult } from './fixtures/limiter-hammer.js'

// Built from test/fixtures/limiter-hammer.ts by esbuild.config.mjs (vitest's globalSetup runs it).
const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/test-fixtures/limiter-hammer.js')
const READY = 0
const START = 1
const THREADS = 4

type WaitAsync = (a: Int32Array, i: number, v: number, t: number) => { async: boolean; value: Promise<string> | string }
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync

/** Resolves once control[index] >= target; bounded by `timeoutMs`, never a sleep loop. */
async function waitAtLeast(control: Int32Array, index: number, target: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs
  for (let v = Atomics.load(control, index); v < target; v = Atomics.load(control, index)) {
    const left = deadline - performance.now()
    if (left <= 0) throw new Error(`timed out waiting for control[${index}] >= ${target} (is ${v})`)
    const r = waitAsync(control, index, v, left)
    if (r.async) await r.value
  }
}

/** Starts one hammer per key, releases them together through the start flag, returns their reports. */
async function hammer(
  table: SharedArrayBuffer,
  keys: Uint8Array[],
  opts: { rate: number; burst: number; durationMs: number },
) {
  if (!existsSync(FIXTURE)) throw new Error(`${FIXTURE} is missing: run \`node esbuild.config.mjs\` first`)
  const control = new Int32Array(new SharedArrayBuffer(8))
  const workers = keys.map(
    (key) =>
      new Worker(FIXTURE, {
        workerData: { table, control: control.buffer as SharedArrayBuffer, key, ...opts } satisfies HammerData,
      }),
  )
  onTestFinished(async () => {
    await Promise.all(workers.map((w) => w.terminate()))
  })
  const reports = workers.map(
    (w) =>
      new Promise<HammerResult>((resolve, reject) => {
        w.once('message', resolve)
        w.once('error', reject)
        w.once('exit', (code) => reject(new Error(`hammer exited with ${code} before reporting`)))
      }),
  )
  // A worker that crashes before READY rejects its report: race it against the wait.
  await Promise.race([waitAtLeast(control, READY, workers.length, 15_000), Promise.all(reports)])
  Atomics.store(control, START, 1)
  Atomics.notify(control, START)
  return Promise.all(reports)
}

test(`${THREADS} threads hammering one key admit no more than burst + rate × elapsed (+ threads)`, async () => {
  const rate = 2000
  const burst = 100
  const table = createLimiterTable(1024)
  const key = Uint8Array.of(203, 0, 113, 7)
  const reports = await hammer(table, Array(THREADS).fill(key), { rate, burst, durationMs: 1000 })

  const admitted = reports.reduce((n, r) => n + r.admitted, 0)
  const calls = reports.reduce((n, r) => n + r.calls, 0)
  const elapsedS = (Math.max(...reports.map((r) => r.endMs)) - Math.min(...reports.map((r) => r.startMs))) / 1000
  const stats = new RateLimiter(table, { rate, burst }).stats()
  const upper = burst + rate * elapsedS + THREADS
  console.info(
    `limiter threads: ${calls} calls in ${elapsedS.toFixed(3)} s, ${admitted} admitted (bound ${upper.toFixed(0)}),`,
    JSON.stringify(stats),
  )
  expect(reports.every((r) => r.calls > 0)).toBe(true)
  expect(calls).toBeGreaterThan(admitted * 10) // the key really was hammered past its limit
  expect(admitted).toBeLessThanOrEqual(upper)
  expect(admitted).toBeGreaterThanOrEqual(burst)
  expect(stats.allowed + stats.casExhausted + stats.failOpen).toBe(admitted)
  expect(stats.allowed + stats.limited + stats.casExhausted + stats.failOpen).toBe(calls)
})

test(`${THREADS} threads on distinct keys each get their own full burst`, async () => {
  const rate = 1 // T = 1 s > the run: no refill, so each key admits exactly its burst
  const burst = 50
  const table = createLimiterTable(8) // one probe window: the four keys race to claim slots in it
  const keys = Array.from({ length: THREADS }, (_, i) => Uint8Array.of(198, 51, 100, i))
  const reports = await hammer(table, keys, { rate, burst, durationMs: 200 })
  expect(reports.map((r) => r.admitted)).toEqual(Array(THREADS).fill(burst))
  expect(reports.every((r) => r.limited > 0)).toBe(true)
  expect(new RateLimiter(table, { rate, burst }).stats()).toMatchObject({
    allowed: THREADS * burst,
    casExhausted: 0,
    failOpen: 0,
  })
})
