/**
 * Revocation reaches open streams at once: after an admin write that can take access away, every open
 * event stream is re-checked (./streams.ts) before the write's own answer is sent — so by the time
 * `DELETE /api/sites/{id}/members/{user_id}` answers 204, the removed member's streams have ended.
 *
 * Every admin op is classified below; `satisfies Record<AdminOpName, boolean>` makes a new op fail to
 * compile until someone decides whether it can take access away.
 * @module
 */
import type { AdminOpName } from '../admin/ops.js'
import type { AdminWrite } from '../admin/writer.js'
import type { StreamRegistry } from './streams.js'

export const TAKES_ACCESS_AWAY = {
  /** The store-health probe writes one meta key. */
  probeWrite: false,
  /** Creates the first user and their session: nobody loses anything. */
  initialUser: false,
  issueSetupToken: false,
  createSession: false,
  /** Sign-out: the session's streams end. */
  deleteSession: true,
  /**
   * Deletes only sessions past their expiry, which every check refuses already (and the server's prune
   * timer writes through its own writer, not this one); true so that a route calling it would re-check.
   */
  pruneSessions: true,
  clearLegacySessions: false,
  createApiClient: false,
  /** The token stops working: its streams end. */
  deleteApiClient: true,
  createSite: false,
  updateSite: false,
  /** Every member's streams of the site end. */
  deleteSite: true,
  changeExclusions: false,
  createGoal: false,
  deleteGoal: false,
  packClosed: false,
  /** A role change; no role is below viewer today, but what a stream needs is the route's business. */
  setMember: true,
  /** Removal by an owner, or leaving. */
  removeMember: true,
} as const satisfies Record<AdminOpName, boolean>

/**
 * `write`, followed — whether it succeeded or not — by a re-check of the open streams when the op can take access away.
 */
export function revokingWrites(write: AdminWrite, streams: StreamRegistry): AdminWrite {
  return async (op, args) => {
    try {
      return await write(op, args)
    } finally {
      // A refused op rolled back and changed nothing; re-checking anyway costs a few reads and keeps this simple.
      if (TAKES_ACCESS_AWAY[op] && streams.size > 0) streams.revalidate()
    }
  }
}
