/**
 * What is still in the rings when the server gives up on storing it (shutdown timed out, or the store
 * is gone): acknowledged events and the per-site counts of acknowledged drops. Counted on the main
 * thread at exit, so the last log line can say exactly what was lost instead of a byte count.
 * @module
 */
import { RingReader } from '../ring/index.js'
import { RECORD_TYPE_DROP_V1, RECORD_TYPE_INGEST_V2 } from '../event/index.js'

export interface Unstored {
  /** Events accepted into a ring (answered 202, or parked for a durable answer) and not committed. */
  events: number
  /** Dropped events (bots, DNT…) whose count for the site's DROPPED rollup was not committed. */
  drops: number
}

/** Counts the records between each ring's tail and head (no task may be running on them). */
export function countUnstored(rings: SharedArrayBuffer[]): Unstored {
  const unstored: Unstored = { events: 0, drops: 0 }
  for (const sab of rings) {
    const reader = new RingReader(sab)
    reader.forEach(reader.tail(), reader.head(), (type) => {
      if (type === RECORD_TYPE_INGEST_V2) unstored.events++
      else if (type === RECORD_TYPE_DROP_V1) unstored.drops++
    })
  }
  return unstored
}
