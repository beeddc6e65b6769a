/**
 * The zod schemas of the read API: query parameters as they arrive (strings from the URL; `filter` may
 * repeat) and the JSON answers. The REST layer validates with the query schemas' shapes and builds its
 * OpenAPI 3.1 document from all of them with `z.toJSONSchema`; the functions in ./index.ts validate
 * again themselves, so they are safe to call with any input.
 * @module
 */
import { z } from 'zod'
// Not through event/index.ts: the dashboard's types read this file (src/dashboard/types.ts), and the face also
// brings the ring record, which needs Node's Buffer (`npx tsc --noEmit -p src/dashboard` has no Node types).
import { DropReason } from '../event/drops.js'
import { LISTED_FIELDS, type ListedField } from '../event/fields.js'

const from = z
  .string()
  .optional()
  .describe(
    'Start of the range: a date `YYYY-MM-DD` (from the start of that day in the reporting zone) or any RFC 3339 ' +
      'instant (`2026-03-29T10:12:00Z`, `2026-03-29T15:42:30.25+05:30`; in a URL `+` is `%2B`, though an ' +
      'unencoded one, which arrives as a space, is read as `+`). The unit of a range is the 15-minute bucket: an ' +
      'instant is rounded DOWN to the start of its bucket, so `10:12` covers from 10:00 and an event at 10:07 ' +
      'counts. `range.start` (and the `X-Hitring-Range-Start` header) say where the answer starts. Default: 29 ' +
      'days before `to`, so 30 days with `to`.',
  )
const to = z
  .string()
  .optional()
  .describe(
    'End of the range: a date `YYYY-MM-DD` (INCLUSIVE: to the end of that day in the reporting zone) or any RFC ' +
      '3339 instant (EXCLUSIVE), rounded UP to the end of its 15-minute bucket: `11:12` covers until 11:15. ' +
      '`range.end` (and `X-Hitring-Range-End`) say where the answer ends. Default: today in the reporting zone. A ' +
      '`from` after `to` (as asked) is refused with `invalid_range`, anything else unreadable with ' +
      '`invalid_parameter`: never ignored.',
  )
const tz = z
  .string()
  .optional()
  .describe(
    "Reporting time zone (IANA name). Default: the site's zone. Another zone is answered exactly (its day " +
      'boundaries read from 15-minute buckets), within the cost limits; an unknown zone is refused (400).',
  )
const interval = z
  .enum(['hour', 'day', 'week', 'month'])
  .optional()
  .describe(
    'Chart bucket. Default: hour under 48 hours, day under 180 days, month beyond. Weeks start on Monday. Buckets ' +
      'follow the reporting zone exactly (a DST day has 23 or 25 hours).',
  )
const filter = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .describe(
    '`type:value`, repeatable or comma-separated. Supported: `path:<exact path>` (alias `page:`) on stats; ' +
      '`prop:<key>=<value>` on an event timeseries. Any other filter is refused with `unsupported_filter`, never ' +
      'ignored.',
  )
const limit = z
  .string()
  .optional()
  .describe('Entries per list: an integer from 1 to 1000. Default 10 on stats, 100 on event lists.')
const compare = z
  .enum(['previous'])
  .optional()
  .describe(
    '`previous` adds `previous.kpis` for the period of equal length just before the range covered (as many days ' +
      'for date ranges; as long as the widened range for instants).',
  )

// HitKeep's other stats parameters (./hitkeep-stats.ts): read, or refused when they cannot be honoured.
const filterType = z
  .string()
  .optional()
  .describe(
    "HitKeep's older spelling of `filter`: `filter_type=path&filter_value=/pricing` is `filter=path:/pricing`. " +
      'Both or neither.',
  )
const filterValue = z.string().optional().describe('See `filter_type`.')
const compareFrom = z
  .string()
  .optional()
  .describe(
    "HitKeep's comparison range, read like `from`/`to` (dates or any RFC 3339 instants, widened outward to " +
      'quarter-hours): `previous` is then that range instead of the one before. Both or neither, and not with ' +
      '`compare`.',
  )
const compareTo = z.string().optional().describe('See `compare_from`.')
const sessionFilter = (what: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe(
      `HitKeep restricts its stats to the visitors who ${what}; the rollups cannot intersect visitors exactly, so ` +
        `it is refused with \`unsupported_filter\`, never ignored.`,
    )

export const rangeQuerySchema = z.object({ from, to, tz }).describe('A time range')
export const timeseriesQuerySchema = z
  .object({ from, to, tz, interval, filter })
  .describe('A time range and chart interval')
export const statsQuerySchema = z
  .object({
    from,
    to,
    tz,
    interval,
    filter,
    limit,
    compare,
    filter_type: filterType,
    filter_value: filterValue,
    compare_from: compareFrom,
    compare_to: compareTo,
    goal_id: sessionFilter('completed one of these goals (repeatable)'),
    funnel_id: sessionFilter('entered this funnel'),
  })
  .describe('Stats query')
export const eventsQuerySchema = z.object({ from, to, tz, interval, filter, limit }).describe('Events query')

export type RangeQuery = z.input<typeof rangeQuerySchema>
export type TimeseriesQuery = z.input<typeof timeseriesQuerySchema>
export type StatsQuery = z.input<typeof statsQuerySchema>
export type EventsQuery = z.input<typeof eventsQuerySchema>

const time = z
  .string()
  .describe(
    "Start of the bucket, RFC 3339 at the reporting zone's offset then (`2026-03-29T03:00:00+02:00`; `Z` for a " +
      'zero offset). A bucket cut by the range covered counts only what is inside it.',
  )
const ratio = (what: string) =>
  z
    .number()
    .nullable()
    .describe(`${what}, rounded to 2 decimals; null when a filter is in force that this figure cannot honour exactly`)

export const kpisSchema = z
  .object({
    visitors: z.number().int().describe('Unique visitors (HyperLogLog, ≈0.8 % error; exact while small)'),
    visits: z.number().int().nullable().describe('Sessions that started in the range (null under a path filter)'),
    pageviews: z.number().int(),
    views_per_visit: ratio('Pageviews ÷ visits'),
    bounce_rate: ratio('Percent of visits with exactly one pageview'),
    visit_duration: ratio('Average visit duration in seconds'),
  })
  .describe('Headline figures')

export const rangeSchema = z
  .object({
    from: z
      .string()
      .describe(
        'Where the answer starts: the `from` date asked, or the `from` instant rounded down to a quarter-hour, at ' +
          "the zone's offset",
      ),
    to: z
      .string()
      .describe(
        'Where it ends: the `to` date asked (inclusive), or the `to` instant rounded up to a quarter-hour (exclusive)',
      ),
    tz: z.string(),
    interval: z.enum(['hour', 'day', 'week', 'month']).optional(),
    start: z.string().describe('First instant counted (RFC 3339)'),
    end: z.string().describe('First instant NOT counted (RFC 3339)'),
  })
  .describe(
    'The range covered: what was asked, instants widened outward to whole 15-minute buckets. RFC 3339 at the ' +
      "reporting zone's offset (`Z` when it is zero), like the chart's `time`.",
  )

const entry = z.object({ name: z.string(), value: z.number().int() })
const pageEntry = entry.extend({ visitors: z.number().int().describe('Unique visitors of the page') })
const list = (what: string) =>
  z.array(entry).nullable().describe(`${what}; null when it cannot be answered exactly (see \`unavailable\`)`)

export const eventRowSchema = z.object({ name: z.string(), total: z.number().int(), visitors: z.number().int() })
export const goalStatsSchema = z.object({
  goal_id: z.string(),
  name: z.string(),
  conversions: z.number().int().describe('Unique visitors who completed the goal in the range'),
  completions: z.number().int().describe('Matching events or pageviews'),
  conversion_rate: z.number().describe('conversions ÷ visitors × 100, 2 decimals, at most 100'),
})
export const anyGoalSchema = z
  .object({
    conversions: z
      .number()
      .int()
      .describe(
        'Unique visitors who completed at least one goal: the union of the goals’ visitor sketches, so a visitor ' +
          'who completed two goals counts once (not the sum of `goals[].conversions`)',
      ),
    completions: z.number().int().describe('Matching events or pageviews, summed over the goals'),
    conversion_rate: z.number().describe('conversions ÷ visitors × 100, 2 decimals, at most 100'),
  })
  .describe('All goals together ("visitors who completed any goal"); zeros when the site has no goals')

/** The visit attributes' lists of `top` (src/event/fields.ts `list`), in the answer's order. */
function listedAttributes() {
  type Lists = { [F in ListedField as F['list']]: ReturnType<typeof list> }
  return Object.fromEntries(LISTED_FIELDS.map((f) => [f.list, list(f.listDoc)])) as Lists
}

export const statsResponseSchema = z.object({
  range: rangeSchema,
  kpis: kpisSchema,
  timeseries: z.array(z.object({ time, visitors: z.number().int(), pageviews: z.number().int() })),
  top: z.object({
    pages: z.array(pageEntry).describe('Pages by pageviews'),
    entry_pages: list('Entry pages by visits'),
    exit_pages: list('Exit pages by visits'),
    ...listedAttributes(),
  }),
  goals: z.array(goalStatsSchema).nullable().describe('Per goal, in the order given; null under a path filter'),
  any_goal: anyGoalSchema.nullable().describe('All goals together; null under a path filter'),
  events: z.array(eventRowSchema).nullable().describe('Custom events by total; null under a path filter'),
  unavailable: z
    .array(z.object({ field: z.string(), code: z.enum(['not_filterable', 'partial_day']), message: z.string() }))
    .describe('The figures left null and why: never approximated, never silently unfiltered'),
  previous: z
    .object({ range: rangeSchema, kpis: kpisSchema })
    .optional()
    .describe("With compare=previous, or HitKeep's compare_from/compare_to"),
})

export const goalsTimeseriesResponseSchema = z.array(
  z.object({
    time,
    conversions: z.number().int().describe('Unique visitors who completed any of the goals in the bucket'),
    completions: z.number().int().describe('Matching events or pageviews, summed over the goals'),
  }),
)
export const eventsListResponseSchema = z.array(eventRowSchema)
export const eventPropertyKeysResponseSchema = z.array(
  z.object({ key: z.string(), total: z.number().int().describe('Events carrying the key') }),
)
export const eventPropertyValuesResponseSchema = z.array(
  z.object({ value: z.string(), total: z.number().int(), visitors: z.number().int() }),
)
export const eventTimeseriesResponseSchema = z.array(
  z.object({ time, total: z.number().int(), visitors: z.number().int() }),
)

const reasonCodes = Object.keys(DropReason)
  .map((r) => `\`${r}\``)
  .join(', ')
export const dropsResponseSchema = z.object({
  range: rangeSchema,
  total: z.number().int().describe('Events acknowledged (202) in the range but deliberately not stored'),
  reasons: z
    .array(
      z.object({
        reason: z
          .string()
          .describe(
            `The stored reason (src/event/drops.ts): one of ${reasonCodes}. A site has only those decided for one ` +
              `of its events; \`unknown_site_origin\`, \`site_deleted\` and \`invalid_record\` have no site and ` +
              `are counted in /metrics only.`,
          ),
        count: z.number().int(),
      }),
    )
    .describe('Every reason with drops in the range, by count descending, then reason'),
  timeseries: z.array(z.object({ time, dropped: z.number().int() })).describe('One point per bucket, zeros included'),
})

export type Kpis = z.infer<typeof kpisSchema>
export type RangeEcho = z.infer<typeof rangeSchema>
export type StatsResponse = z.infer<typeof statsResponseSchema>
export type GoalStats = z.infer<typeof goalStatsSchema>
export type AnyGoal = z.infer<typeof anyGoalSchema>
export type EventRow = z.infer<typeof eventRowSchema>
export type DropsResponse = z.infer<typeof dropsResponseSchema>
