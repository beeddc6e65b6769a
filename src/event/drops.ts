/**
 * Why an acknowledged event was not stored. Every drop is answered `202` with `X-Hitring-Drop: <reason>`
 * when the HTTP thread decides it, counted in `/metrics`, and — when the site is known — counted in the
 * site's `DROPPED` rollup by reason. Codes are stored: append only.
 * @module
 */
export const DropReason = {
  bot: 1,
  spam_referrer: 2,
  excluded_ip: 3,
  hostname_not_allowed: 4,
  dnt: 5,
  prefetch: 6,
  unknown_site_origin: 7,
  site_deleted: 8,
  invalid_record: 9,
} as const

export type DropReasonName = keyof typeof DropReason

const names = Object.fromEntries(Object.entries(DropReason).map(([k, v]) => [v, k])) as Record<number, DropReasonName>

export function dropReasonName(code: number): DropReasonName | 'unknown' {
  return names[code] ?? 'unknown'
}
