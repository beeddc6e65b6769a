/**
 * The ring lane of an event. A lane is drained by one task at a time and holds its own open-session
 * table (src/sessions/table.ts), so every event of one session must go to one lane:
 * - events with hk.js's `session_id` (a tab, even while its address changes) go by that id;
 * - all others by client IP ({@link laneOf}): the visitor, whose id includes the IP.
 * @module
 */
import { laneOf } from './client.js'

export function eventLane(ip: Uint8Array, sessionId: string | undefined, laneMask: number): number {
  if (sessionId === undefined) return laneOf(ip, laneMask)
  let h = 0x811c9dc5
  for (let i = 0; i < sessionId.length; i++) h = Math.imul(h ^ sessionId.charCodeAt(i), 0x01000193)
  return (h ^ (h >>> 16)) & laneMask
}
