/**
 * After an upgrade from a version that kept open sessions in LMDB (`sessions`, `sessions_v2`; now
 * src/sessions/table.ts and its log): empties those databases through the `clearLegacySessions` admin
 * op, one bounded transaction per call, in the background of start-up.
 * @module
 */
import type { Logger } from '../ops/logger.js'
import type { AdminWrite } from './writer.js'

/**
 * Empties the visitor-session databases of earlier versions, 10,000 entries per transaction (one-off after an upgrade).
 */
export async function clearLegacySessions(write: AdminWrite, logger: Logger): Promise<void> {
  try {
    let removed = 0
    for (;;) {
      const step = await write('clearLegacySessions', { limit: 10_000 })
      if (step.removed === 0) break
      removed += step.removed
    }
    if (removed > 0) logger.info({ removed }, 'removed the open sessions of an earlier version (they started again)')
  } catch (err) {
    logger.warn({ err }, 'could not clear the sessions of an earlier version')
  }
}
