/**
 * How figures read: grouped integers, compact axis labels, percentages, durations, and the change against
 * the previous period. Pure functions (no DOM), so they behave the same in every page and in tests.
 * @module
 */

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const dec = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 })

export const fmtInt = (n: number): string => int.format(n)
export const fmtDec = (n: number): string => dec.format(n)
export const fmtCompact = (n: number): string => (Math.abs(n) < 10_000 ? int.format(n) : compact.format(n))
export const fmtPercent = (n: number): string =>
  `${n >= 10 || n === 0 ? Math.round(n * 10) / 10 : Math.round(n * 100) / 100}%`

/** Seconds → `2m 52s`, `1h 04m`, `12s`, `0s`. */
export function fmtDuration(seconds: number): string {
  const s = Math.round(seconds)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

export interface Change {
  /** `+14.7%`, `−3.5%`, `new`, or `0%`. */
  text: string
  /** good / bad for the site owner (a falling bounce rate is good), or flat. */
  tone: 'up' | 'down' | 'flat'
  /** For screen readers: "up 14.7% from 1,020". */
  label: string
}

/**
 * The change from `previous` to `current`; null when there is nothing to compare with (no previous
 * figure, or both periods empty). `lowerIsBetter` flips the colour, never the sign.
 */
export function change(
  current: number | null,
  previous: number | null | undefined,
  lowerIsBetter = false,
  show: (n: number) => string = fmtInt,
): Change | null {
  if (current === null || previous === null || previous === undefined) return null
  if (previous === 0 && current === 0) return null
  if (previous === 0)
    return { text: 'new', tone: lowerIsBetter ? 'down' : 'up', label: `new this period (none in the previous one)` }
  const pct = ((current - previous) / Math.abs(previous)) * 100
  const rounded = Math.round(pct * 10) / 10
  if (rounded === 0) return { text: '0%', tone: 'flat', label: `unchanged from ${show(previous)}` }
  const better = lowerIsBetter ? rounded < 0 : rounded > 0
  const abs = Math.abs(rounded)
  return {
    text: `${rounded > 0 ? '+' : '−'}${abs >= 100 ? Math.round(abs) : abs}%`,
    tone: better ? 'up' : 'down',
    label: `${rounded > 0 ? 'up' : 'down'} ${abs}% from ${show(previous)}`,
  }
}

/** `12,345 (31%)`-style share of a list's total, 0 when the total is 0. */
export const share = (value: number, total: number): number => (total > 0 ? (value / total) * 100 : 0)
