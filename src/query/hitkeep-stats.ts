/**
 * HitKeep's stats parameters besides `from`, `to` and `filter` (HitKeep 2.8.1, `GET /api/sites/{id}/stats`):
 * - `filter_type` + `filter_value`, its older spelling of one `filter=type:value`: read as such;
 * - `compare_from` + `compare_to`, the comparison range: read like `from`/`to` (instants widened to
 *   quarter-hours) and answered as `previous`, the same block `compare=previous` gives;
 * - `goal_id`, `funnel_id`: HitKeep restricts every figure to the visitors who converted (or entered the
 *   funnel). The rollups cannot intersect visitor sets exactly, so they are refused with
 *   `unsupported_filter` — never silently ignored, which would show unrestricted figures as restricted.
 * @module
 */
import type { SiteRecord } from '../store/index.js'
import { refuse } from '../errors/index.js'
import { previousWindow, resolveWindow, type Window } from './params.js'

interface HitKeepStatsQuery {
  tz?: string
  filter?: string | string[]
  filter_type?: string
  filter_value?: string
  compare?: 'previous'
  compare_from?: string
  compare_to?: string
  goal_id?: string | string[]
  funnel_id?: string | string[]
}

/** `filter` with HitKeep's `filter_type`/`filter_value` pair added as one more `type:value`. */
export function statsFilters(q: HitKeepStatsQuery): string | string[] | undefined {
  if (q.filter_type === undefined && q.filter_value === undefined) return q.filter
  if (q.filter_type === undefined || q.filter_value === undefined) {
    const missing = q.filter_type === undefined ? 'filter_type' : 'filter_value'
    throw refuse('invalid_filter', 'give filter_type and filter_value together (or filter=type:value)', missing)
  }
  return [
    ...(q.filter === undefined ? [] : Array.isArray(q.filter) ? q.filter : [q.filter]),
    `${q.filter_type}:${q.filter_value}`,
  ]
}

/** Refuses HitKeep's visitor filters (see the module comment). */
export function refuseVisitorFilters(q: HitKeepStatsQuery): void {
  for (const [field, what] of [
    ['goal_id', 'completed the goals'],
    ['funnel_id', 'entered the funnel'],
  ] as const) {
    if (q[field] === undefined) continue
    throw refuse(
      'unsupported_filter',
      `restricting the stats to the visitors who ${what} needs visitor intersections, which the rollups give only ` +
        `approximately; GET …/goals/timeseries?goal_id=… answers a goal's own figures`,
      field,
    )
  }
}

/** The period `previous` answers: the one before `w`, HitKeep's compare_from/compare_to, or none. */
export function comparedWindow(q: HitKeepStatsQuery, w: Window, site: SiteRecord, now: number): Window | undefined {
  const explicit = q.compare_from !== undefined || q.compare_to !== undefined
  if (!explicit) return q.compare === 'previous' ? previousWindow(w) : undefined
  if (q.compare !== undefined)
    throw refuse('invalid_parameter', 'give compare=previous or compare_from/compare_to, not both', 'compare')
  if (q.compare_from === undefined || q.compare_to === undefined) {
    const missing = q.compare_from === undefined ? 'compare_from' : 'compare_to'
    throw refuse('invalid_parameter', 'give compare_from and compare_to together', missing)
  }
  return resolveWindow({ from: q.compare_from, to: q.compare_to, tz: q.tz }, site, now, ['compare_from', 'compare_to'])
}
