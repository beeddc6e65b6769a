/**
 * lmdb-js prints every failed asynchronous commit with `console.error(error)` before rejecting the
 * transaction (https://github.com/kriszyp/lmdb-js/blob/v3.5.6/write.js#L516). hitring reports a storage
 * fault itself, as one structured log line per change of state (src/ops/store-health.ts); a raw stack
 * trace on stderr at every retry of a full disk would bury it. Called once in each drain worker.
 * @module
 */

/** Drops lmdb-js's own printout of a failed commit; every other console.error is untouched. */
export function quietLmdbCommitErrors(): void {
  const original = console.error.bind(console)
  console.error = (...args: unknown[]) => {
    const [first] = args
    if (
      args.length === 1 &&
      first instanceof Error &&
      typeof (first as { code?: unknown }).code === 'number' &&
      /[/\\]lmdb[/\\]write\.js/.test(first.stack ?? '')
    ) {
      return
    }
    original(...args)
  }
}
