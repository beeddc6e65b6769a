/**
 * The main thread's packing loop: shortly after start and then every `intervalMs`, packs the days and
 * months that have ended (src/store/packed.ts) through the `packClosed` admin op, one bounded
 * transaction per call until nothing is left, so a drain worker never holds the write lock for long and
 * the HTTP thread never writes. Runs are never concurrent.
 * @module
 */
import type { Logger } from '../ops/logger.js'
import type { AdminWrite } from './writer.js'

export const PACK_INTERVAL_MS = 10 * 60 * 1000
const FIRST_PACK_MS = 1_000

export interface Packer {
  /** Packs now (resolves when nothing is left, or the packer was stopped); shared by overlapping calls. */
  run(): Promise<void>
  stop(): void
}

export function startPacker(
  write: AdminWrite,
  logger: Logger,
  now: () => number,
  intervalMs = PACK_INTERVAL_MS,
): Packer {
  let stopped = false
  let running: Promise<void> | undefined
  const run = (): Promise<void> =>
    (running ??= (async () => {
      try {
        let packed = 0
        for (let more = true; more && !stopped; ) {
          const step = await write('packClosed', { now: now() })
          packed += step.packed
          more = step.more
        }
        if (packed > 0) logger.info({ packed }, 'packed the breakdowns of ended days and months')
      } catch (err) {
        if (!stopped) logger.warn({ err }, 'could not pack ended days and months; reads walk their rows meanwhile')
      } finally {
        running = undefined
      }
    })())
  const first = setTimeout(run, FIRST_PACK_MS)
  const every = setInterval(run, intervalMs)
  first.unref()
  every.unref()
  return {
    run,
    stop() {
      stopped = true
      clearTimeout(first)
      clearInterval(every)
    },
  }
}
