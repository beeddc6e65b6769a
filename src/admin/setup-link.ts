/**
 * At start, while the server has no user: a fresh one-time set-up token (src/accounts/setup-token.ts)
 * whose hash a drain worker commits before the port opens — the link the start-up log prints then works
 * from the first request, and every earlier link stops working.
 * @module
 */
import { newSetupToken } from '../accounts/setup-token.js'
import { tokenHash } from '../accounts/tokens.js'
import { hasAnyUser } from '../accounts/users.js'
import type { Logger } from '../ops/logger.js'
import type { Store } from '../store/index.js'
import type { AdminWrite } from './writer.js'

/**
 * A committed set-up token, or null: when a user exists (set-up is complete: nothing is written), or when
 * the store refuses the write — the server then starts degraded like for any storage fault
 * (src/ops/store-health.ts), and says how to get a link later.
 */
export async function issueSetupToken(write: AdminWrite, store: Store, logger: Logger): Promise<string | null> {
  if (hasAnyUser(store)) return null
  const token = newSetupToken()
  try {
    const { issued } = await write('issueSetupToken', { hash: tokenHash(token) })
    return issued ? token : null
  } catch (err) {
    logger.warn({ err }, 'could not store a set-up link; once the store accepts writes, run hitring setup-url for one')
    return null
  }
}
