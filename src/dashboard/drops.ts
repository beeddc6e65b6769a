/**
 * The overview's line about what was acknowledged but not stored — "1,234 events not counted: 1,100
 * bots, 134 excluded IPs" — from `GET /api/sites/{id}/drops`. Pure (no DOM), like ./format.ts.
 * @module
 */
import { fmtInt } from './format.js'
import type { DropsResponse } from './types.js'

/** Reason code (src/event/drops.ts) → [one, many]; an unknown code is shown as it is. */
const LABELS: Record<string, [string, string]> = {
  bot: ['bot', 'bots'],
  prefetch: ['prefetch', 'prefetches'],
  spam_referrer: ['spam referrer', 'spam referrers'],
  dnt: ['Do Not Track request', 'Do Not Track requests'],
  excluded_ip: ['excluded IP', 'excluded IPs'],
  hostname_not_allowed: ['hostname not allowed', 'hostnames not allowed'],
  unknown_site_origin: ['unknown origin', 'unknown origins'],
}

const counted = (n: number, [one, many]: [string, string]) => `${fmtInt(n)} ${n === 1 ? one : many}`

export interface DropsText {
  /** `1,234 events not counted` */
  lead: string
  /** `1,100 bots`, `134 excluded IPs`, … in the API's order (count descending). */
  parts: { reason: string; text: string }[]
  /** The exact reason codes, for the tooltip: `bot: 1,100 · excluded_ip: 134`. */
  title: string
}

/** The line's words; null when nothing was dropped (the line is then left out). */
export function describeDrops(d: DropsResponse): DropsText | null {
  if (d.total <= 0) return null
  return {
    lead: `${counted(d.total, ['event', 'events'])} not counted`,
    parts: d.reasons.map((r) => ({
      reason: r.reason,
      text: counted(r.count, LABELS[r.reason] ?? [r.reason, r.reason]),
    })),
    title:
      `Acknowledged but not stored, by reason: ` +
      `${d.reasons.map((r) => `${r.reason}: ${fmtInt(r.count)}`).join(' · ')}`,
  }
}
