/**
 * Structured JSON logs on stdout (pino). The destination writes asynchronously so a slow pipe or disk
 * never blocks the HTTP thread; `flush()` is called once at exit.
 * @module
 */
import { pino, type Logger } from 'pino'

export type { Logger }

export function createLogger(level: string, dest: number | string = 1): Logger {
  const destination = pino.destination({ dest, sync: false, minLength: 0 })
  return pino({ level, base: { service: 'hitring' }, timestamp: pino.stdTimeFunctions.isoTime }, destination)
}

/** Flushes pending log lines synchronously: only at process exit, never on a request path. */
export function flushLogger(logger: Logger): void {
  try {
    logger.flush()
  } catch {
    // nothing useful to do when stdout is gone
  }
}
