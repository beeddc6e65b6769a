/**
 * Custom events: names with totals and unique visitors; pick one to see its timeseries, its property
 * keys and the breakdown of one key's values. The selection lives in the URL (`?event=…&key=…`).
 * @module
 */
import { api, ApiError } from '../api.js'
import type { El } from '../dom.js'
import { h, show } from '../h.js'
import { fmtInt } from '../format.js'
import { coveredRange, param, type Range } from '../range.js'
import { currentPath, href } from '../router.js'
import { codeBlock, eventSnippetText } from '../snippet.js'
import type { EventPoint, EventRow, PropertyKey_, PropertyValue } from '../types.js'
import { card, empty, errorBox, skeleton } from '../ui.js'
import { kpiTile, toplist } from '../widgets.js'
import { chartCard, curlText, pageRange, rangeQuery, siteHeading } from './common.js'
import type { SitePageContext } from './context.js'

const visitors = (n: number) => `${fmtInt(n)} visitor${n === 1 ? '' : 's'}`

/** The current query with some parameters replaced (undefined removes one). */
function withParams(search: string, changes: Record<string, string | undefined>): string {
  const kept = search
    .replace(/^\?/, '')
    .split('&')
    .filter((p) => p && !(p.split('=')[0]! in changes))
  for (const [k, v] of Object.entries(changes)) if (v !== undefined) kept.push(`${k}=${encodeURIComponent(v)}`)
  return href(currentPath() + (kept.length ? `?${kept.join('&')}` : ''))
}

interface Detail {
  row: EventRow
  series: EventPoint[]
  /** Or why there are none: properties are kept per day, and a range of instants may cut a day. */
  keys: PropertyKey_[] | string
  key: string | undefined
  values: PropertyValue[]
}

function detail(ctx: SitePageContext, range: Range, d: Detail): El[] {
  const chart = chartCard(
    ctx,
    {
      title: h('span', null, 'Event ', h('code', { class: 'event-name' }, d.row.name)),
      legend: [
        { label: 'Total', color: '--c-pageviews' },
        { label: 'Unique visitors', color: '--c-visitors' },
      ],
    },
    () => ({
      times: d.series.map((p) => Date.parse(p.time)),
      end: coveredRange(range)?.end,
      tz: ctx.site.timezone,
      interval: range.interval,
      label: `${d.row.name} per period: ${fmtInt(d.row.total)} in total`,
      // Visitors first: never more than the total, drawn over it they would hide it.
      series: [
        { label: 'Unique visitors', values: d.series.map((p) => p.visitors), color: '--c-visitors', fill: true },
        { label: 'Total', values: d.series.map((p) => p.total), color: '--c-pageviews', fill: true },
      ],
    }),
  )
  const tiles = h(
    'div',
    { class: 'kpis kpis-2' },
    kpiTile('Total', fmtInt(d.row.total), null, { testId: 'event-total', hint: 'events in this period' }),
    kpiTile('Unique visitors', fmtInt(d.row.visitors), null, { testId: 'event-visitors', hint: 'who sent it' }),
  )
  if (typeof d.keys === 'string')
    return [tiles, chart, card({ title: 'Properties', class: 'card-list' }, h('div', { class: 'list-empty' }, d.keys))]
  const keys = h(
    'div',
    { class: 'chips', role: 'list', 'aria-label': 'Property keys' },
    d.keys.map((k) => {
      const on = k.key === d.key
      const attrs = {
        role: 'listitem',
        class: `chip-link ${on ? 'is-selected' : ''}`,
        href: withParams(ctx.search, { key: k.key }),
        'aria-current': on ? 'true' : undefined,
        'data-keep-scroll': true,
        'data-prop-key': k.key,
      }
      return h('a', attrs, k.key, h('span', { class: 'chip-count' }, fmtInt(k.total)))
    }),
  )
  const props = card(
    { title: 'Properties', sub: d.keys.length ? `Values of ${d.key} on ${d.row.name}` : undefined, class: 'card-list' },
    d.keys.length === 0
      ? h(
          'div',
          { class: 'list-empty' },
          'This event was sent without properties. Send some, like ',
          h('code', null, "{ plan: 'pro' }"),
          ', to break it down.',
        )
      : [
          keys,
          h(
            'div',
            { 'data-breakdown': d.key },
            toplist(
              d.values.map((v) => ({ name: v.value, value: v.total, note: visitors(v.visitors) })),
              { nameLabel: d.key ?? 'Value', valueLabel: 'Events', empty: 'No values in this period.' },
            ),
          ),
        ],
  )
  return [tiles, chart, props]
}

/** The API keeps properties per site day: a range of instants that cuts a day is refused for them alone. */
function cutDay(err: unknown): string {
  if (err instanceof ApiError && err.code === 'unsupported_range')
    return 'Properties are kept per day: choose whole days to break this event down.'
  throw err
}

export async function eventsPage(ctx: SitePageContext): Promise<void> {
  const range = pageRange(ctx)
  const heading = () => siteHeading(ctx, 'Events', ctx.site.domain, range)
  show(ctx.root, heading(), h('div', { class: 'grid-events' }, skeleton('sk-list'), skeleton('sk-chart')))
  const q = rangeQuery(range)
  try {
    const events = await api.events(ctx.site.id, { ...q, limit: '100' })
    if (!ctx.alive()) return
    if (events.length === 0) {
      return show(
        ctx.root,
        heading(),
        card(
          {},
          empty(
            'zap',
            'No custom events in this period',
            h(
              'div',
              null,
              h('p', null, 'Send one from a page with hk.js loaded, or from your backend:'),
              codeBlock(eventSnippetText('signup'), 'Custom event from a page'),
              codeBlock(curlText(ctx.site), 'Custom event from a server'),
            ),
          ),
        ),
      )
    }
    const wanted = param(ctx.search, 'event')
    const row = events.find((e) => e.name === wanted) ?? events[0]!
    const [series, keys] = await Promise.all([
      api.eventTimeseries(ctx.site.id, row.name, q),
      api.eventKeys(ctx.site.id, row.name, q).catch(cutDay),
    ])
    const wantedKey = param(ctx.search, 'key')
    const key = typeof keys === 'string' ? undefined : (keys.find((k) => k.key === wantedKey)?.key ?? keys[0]?.key)
    const values = key === undefined ? [] : await api.eventValues(ctx.site.id, row.name, key, { ...q, limit: '50' })
    if (!ctx.alive()) return
    const list = card(
      { title: 'Events', sub: 'Pick one to break it down', class: 'card-list' },
      toplist(
        events.map((e) => ({
          name: e.name,
          value: e.total,
          note: `${fmtInt(e.visitors)} visitor${e.visitors === 1 ? '' : 's'}`,
          href: withParams(ctx.search, { event: e.name, key: undefined }),
          selected: e.name === row.name,
        })),
        { nameLabel: 'Event', valueLabel: 'Total', empty: '', mono: true },
      ),
    )
    show(
      ctx.root,
      heading(),
      h(
        'div',
        { class: 'grid-events' },
        list,
        h('div', { class: 'stack', 'aria-live': 'polite' }, detail(ctx, range, { row, series, keys, key, values })),
      ),
    )
  } catch (err) {
    if (ctx.alive()) show(ctx.root, heading(), errorBox(err, ctx.reload))
  }
}
