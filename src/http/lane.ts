/**
 * The ring lane of an event. A lane is drained by one task at a time and holds its own open-session
 * table (src/sessions/table.ts), so every event of one session must go to one lane, whatever the number
 * of workers:
 * - events with hk.js's `session_id` (a tab, even while its address changes) go by that id;
 * - all others by client IP: the visitor, whose id includes the IP.
 * Both by FNV-1a, folded to the lane mask.
 * @module
 */
const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193

export function eventLane(ip: Uint8Array, sessionId: string | undefined, laneMask: number): number {
  let h = FNV_OFFSET
  if (sessionId === undefined) for (let i = 0; i < ip.length; i++) h = Math.imul(h ^ ip[i]!, FNV_PRIME)
  else for (let i = 0; i < sessionId.length; i++) h = Math.imul(h ^ sessionId.charCodeAt(i), FNV_PRIME)
  return (h ^ (h >>> 16)) & laneMask
}
