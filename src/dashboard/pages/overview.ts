/**
 * A site's overview: KPI tiles with the change against the previous period, visitors and pageviews
 * (previous period dashed), goals and events, and the top lists. Three reads: `/stats?compare=previous` for
 * the range, `/stats` of the previous range for its dashed curve, and `/drops` of the range for the line
 * under the tiles that says how many events were acknowledged but not counted, and why.
 * @module
 */
import { api } from '../api.js'
import type { El } from '../dom.js'
import { h, show } from '../h.js'
import { describeDrops } from '../drops.js'
import { change, fmtDec, fmtDuration, fmtInt, fmtPercent } from '../format.js'
import { addDays, previousRange, todayIn, type Range } from '../range.js'
import { href, sitePath } from '../router.js'
import type { DropsResponse, Kpis, StatsResponse } from '../types.js'
import { card, errorBox, skeleton } from '../ui.js'
import { kpiTile, tabbedCard, toplist, type Row } from '../widgets.js'
import { chartCard, noDataPanel, pageRange, rangeQuery, siteHeading, versus } from './common.js'
import type { SitePageContext } from './context.js'

export function kpiGrid(k: Kpis, prev: Kpis | undefined): El {
  const ratio = (n: number | null, fmt: (x: number) => string) => (n === null ? '—' : fmt(n))
  // Ratios of a period without visits are not figures to compare with (a 0 % bounce rate of nobody).
  const prevRatios = prev && prev.visits !== 0 ? prev : undefined
  return h(
    'div',
    { class: 'kpis', 'aria-label': 'Key figures' },
    kpiTile('Visitors', fmtInt(k.visitors), change(k.visitors, prev?.visitors), { testId: 'visitors' }),
    kpiTile('Visits', ratio(k.visits, fmtInt), change(k.visits, prev?.visits), { testId: 'visits' }),
    kpiTile('Pageviews', fmtInt(k.pageviews), change(k.pageviews, prev?.pageviews), { testId: 'pageviews' }),
    kpiTile(
      'Views per visit',
      ratio(k.views_per_visit, fmtDec),
      change(k.views_per_visit, prevRatios?.views_per_visit, false, fmtDec),
      { testId: 'views_per_visit' },
    ),
    kpiTile(
      'Bounce rate',
      ratio(k.bounce_rate, fmtPercent),
      change(k.bounce_rate, prevRatios?.bounce_rate, true, fmtPercent),
      { testId: 'bounce_rate' },
    ),
    kpiTile(
      'Visit duration',
      ratio(k.visit_duration, fmtDuration),
      change(k.visit_duration, prevRatios?.visit_duration, false, fmtDuration),
      { testId: 'visit_duration' },
    ),
  )
}

/** "1,234 events not counted: 1,100 bots, 134 excluded IPs" (codes in the tooltip); nothing without drops. */
function dropsLine(d: DropsResponse | null): El | null {
  const t = d && describeDrops(d)
  if (!t) return null
  const parts = t.parts.flatMap((p, i) => [i ? ', ' : ': ', h('span', { 'data-reason': p.reason }, p.text)])
  return h('p', { class: 'drops-line small', title: t.title, 'data-drops': String(d.total) }, t.lead, parts)
}

const rows = (list: { name: string; value: number }[] | null | undefined): Row[] =>
  (list ?? []).map((e) => ({ name: e.name, value: e.value }))

/** English names of the stored primary language subtags (`de` → German), made once; the code stays in the tooltip. */
let languageNames: Intl.DisplayNames | undefined

function languageName(code: string): string {
  try {
    languageNames ??= new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' })
    return languageNames.of(code) ?? code
  } catch {
    // A tag Intl cannot read (RangeError): shown as stored.
    return code
  }
}

function languages(s: StatsResponse): El {
  const data = s.top.languages
  if (data === null)
    return h('div', { class: 'list-empty' }, unavailable(s, 'languages') ?? 'Not available for this selection.')
  const named = data.map((e) => ({ name: e.name ? languageName(e.name) : '', value: e.value, title: e.name }))
  return toplist(named, { nameLabel: 'Language', valueLabel: 'Visits', empty: 'No visits in this period.' })
}

function unavailable(s: StatsResponse, field: string): string | undefined {
  return s.unavailable.find((u) => u.field === field || u.field === `top.${field}`)?.message
}

function list(
  s: StatsResponse,
  key: keyof StatsResponse['top'],
  nameLabel: string,
  valueLabel: string,
  empty: string,
  mono = false,
): El {
  const data = s.top[key]
  if (data === null)
    return h('div', { class: 'list-empty' }, unavailable(s, key) ?? 'Not available for this selection.')
  return toplist(rows(data), { nameLabel, valueLabel, empty, mono })
}

function topPages(s: StatsResponse): El {
  const rows = s.top.pages.map((p) => ({
    name: p.name,
    value: p.value,
    title: `${p.name}: ${fmtInt(p.value)} pageviews by ${fmtInt(p.visitors)} visitors`,
  }))
  return toplist(rows, {
    nameLabel: 'Page',
    valueLabel: 'Pageviews',
    empty: 'No pageviews in this period.',
    mono: true,
  })
}

/** The three UTM lists behind one tab: a small switch between source, medium and campaign. */
function utmPanel(s: StatsResponse): El {
  const keys = ['utm_source', 'utm_medium', 'utm_campaign'] as const
  const slot = h('div')
  const buttons = keys.map((k) => h('button', { class: 'seg', type: 'button', onclick: () => pick(k) }, k.slice(4)))
  const pick = (k: (typeof keys)[number]) => {
    buttons.forEach((b, i) => {
      b.setAttribute('aria-pressed', String(keys[i] === k))
    })
    show(
      slot,
      list(s, k, k, 'Visits', `No visits tagged with ${k} in this period: add ?${k}=… to your campaign links.`),
    )
  }
  pick('utm_source')
  return h(
    'div',
    null,
    h('div', { class: 'segmented segmented-sm', role: 'group', 'aria-label': 'UTM parameter' }, buttons),
    slot,
  )
}

function goalsCard(ctx: SitePageContext, s: StatsResponse, search: string): El {
  const goals = s.goals ?? []
  const manage = h(
    'a',
    { class: 'btn btn-sm', href: href(sitePath(ctx.site.id, 'goals') + search) },
    goals.length ? 'All goals' : 'Create a goal',
  )
  return card(
    { title: 'Goals', sub: 'Visitors who converted, and the conversion rate', actions: manage, class: 'card-list' },
    goals.length === 0
      ? h(
          'div',
          { class: 'list-empty' },
          'No goals yet. A goal counts the visitors who send an event (such as ',
          h('code', null, 'signup'),
          ') or open a page (such as ',
          h('code', null, '/thanks'),
          ').',
        )
      : toplist(
          goals.map((g) => ({
            name: g.name,
            value: g.conversions,
            note: `${fmtInt(g.completions)} completion${g.completions === 1 ? '' : 's'}`,
            href: href(sitePath(ctx.site.id, 'goals') + search),
          })),
          { nameLabel: 'Goal', valueLabel: 'Converted visitors', empty: '', total: s.kpis.visitors },
        ),
  )
}

function eventsCard(ctx: SitePageContext, s: StatsResponse, search: string): El {
  const events = s.events ?? []
  const link = (name: string) =>
    href(`${sitePath(ctx.site.id, 'events')}${search ? `${search}&` : '?'}event=${encodeURIComponent(name)}`)
  return card(
    {
      title: 'Events',
      sub: 'Custom events by total',
      actions: h('a', { class: 'btn btn-sm', href: href(sitePath(ctx.site.id, 'events') + search) }, 'Explore'),
      class: 'card-list',
    },
    toplist(
      events.map((e) => ({
        name: e.name,
        value: e.total,
        note: `${fmtInt(e.visitors)} visitor${e.visitors === 1 ? '' : 's'}`,
        href: link(e.name),
      })),
      { nameLabel: 'Event', valueLabel: 'Total', empty: 'No custom events in this period.', mono: true },
    ),
  )
}

/** Previous-period values on the current period's x positions (bucket by bucket). */
export const alignPrevious = (current: number, prev: number[]): (number | null)[] =>
  Array.from({ length: current }, (_, i) => (i < prev.length ? prev[i]! : null))

function render(
  ctx: SitePageContext,
  range: Range,
  s: StatsResponse,
  prev: StatsResponse | null,
  drops: DropsResponse | null,
  neverData: boolean,
): void {
  const search = ctx.search
  const kpis = h('div', { class: 'kpi-slot' }, kpiGrid(s.kpis, s.previous?.kpis))
  // Today's figures follow the live stream.
  if (range.to === todayIn(ctx.site.timezone, Date.now()) && range.from === range.to) {
    ctx.onLive((u) => u.today && u.today.date === range.to && show(kpis, kpiGrid(u.today.kpis, s.previous?.kpis)))
  }
  const times = s.timeseries.map((p) => Date.parse(p.time))
  const chart = chartCard(
    ctx,
    {
      title: 'Visitors and pageviews',
      legend: [
        { label: 'Pageviews', color: '--c-pageviews' },
        { label: 'Visitors', color: '--c-visitors' },
        ...(prev
          ? [
              { label: 'Pageviews (previous)', color: '--c-pageviews', dashed: true },
              { label: 'Visitors (previous)', color: '--c-visitors', dashed: true },
            ]
          : []),
      ],
      foot: versus(range),
    },
    () => ({
      times,
      end: Date.parse(s.range.end),
      tz: s.range.tz,
      interval: s.range.interval ?? range.interval,
      label:
        `Visitors and pageviews, ${range.from} to ${range.to}: ${fmtInt(s.kpis.visitors)} visitors, ` +
        `${fmtInt(s.kpis.pageviews)} pageviews`,
      series: [
        { label: 'Pageviews', values: s.timeseries.map((p) => p.pageviews), color: '--c-pageviews', fill: true },
        { label: 'Visitors', values: s.timeseries.map((p) => p.visitors), color: '--c-visitors', fill: true },
        ...(prev
          ? [
              {
                label: 'Pageviews (previous)',
                values: alignPrevious(
                  times.length,
                  prev.timeseries.map((p) => p.pageviews),
                ),
                color: '--c-pageviews',
                dashed: true,
              },
              {
                label: 'Visitors (previous)',
                values: alignPrevious(
                  times.length,
                  prev.timeseries.map((p) => p.visitors),
                ),
                color: '--c-visitors',
                dashed: true,
              },
            ]
          : []),
      ],
    }),
  )
  show(
    ctx.root,
    siteHeading(ctx, ctx.site.domain, 'Overview', range),
    neverData ? noDataPanel(ctx) : null,
    h('div', null, kpis, dropsLine(drops)),
    chart,
    h('div', { class: 'grid-2' }, goalsCard(ctx, s, search), eventsCard(ctx, s, search)),
    h(
      'div',
      { class: 'grid-3' },
      tabbedCard('Pages', [
        { id: 'top', label: 'Top pages', render: () => topPages(s) },
        {
          id: 'entry',
          label: 'Entry',
          render: () => list(s, 'entry_pages', 'Entry page', 'Visits', 'No visits in this period.', true),
        },
        {
          id: 'exit',
          label: 'Exit',
          render: () => list(s, 'exit_pages', 'Exit page', 'Visits', 'No visits in this period.', true),
        },
      ]),
      tabbedCard('Sources', [
        {
          id: 'sources',
          label: 'Sources',
          render: () => list(s, 'sources', 'Source', 'Visits', 'No visits in this period.'),
        },
        { id: 'utm', label: 'Campaigns (UTM)', render: () => utmPanel(s) },
      ]),
      tabbedCard('Technology', [
        {
          id: 'browsers',
          label: 'Browsers',
          render: () => list(s, 'browsers', 'Browser', 'Visits', 'No visits in this period.'),
        },
        {
          id: 'os',
          label: 'OS',
          render: () => list(s, 'os', 'Operating system', 'Visits', 'No visits in this period.'),
        },
        {
          id: 'devices',
          label: 'Devices',
          render: () => list(s, 'devices', 'Device', 'Visits', 'No visits in this period.'),
        },
        { id: 'languages', label: 'Languages', render: () => languages(s) },
      ]),
    ),
  )
}

function loading(ctx: SitePageContext, range: Range): void {
  show(
    ctx.root,
    siteHeading(ctx, ctx.site.domain, 'Overview', range),
    h(
      'div',
      { class: 'kpis' },
      Array.from({ length: 6 }, () => skeleton('sk-kpi')),
    ),
    skeleton('sk-chart'),
  )
}

export async function overviewPage(ctx: SitePageContext): Promise<void> {
  const range = pageRange(ctx)
  loading(ctx, range)
  const prevRange = previousRange(range)
  try {
    const [s, prev, drops] = await Promise.all([
      api.stats(ctx.site.id, { ...rangeQuery(range), compare: 'previous', limit: '10' }),
      // The dashed curve and the drops line only: a failure here leaves them out rather than failing the page.
      api.stats(ctx.site.id, { ...rangeQuery(prevRange), limit: '1' }).catch(() => null),
      api.drops(ctx.site.id, rangeQuery(range)).catch(() => null),
    ])
    if (!ctx.alive()) return
    let neverData = false
    if (s.kpis.pageviews === 0 && (s.events ?? []).length === 0) {
      const since = todayIn(ctx.site.timezone, Date.parse(ctx.site.created_at))
      const today = todayIn(ctx.site.timezone, Date.now())
      const all = await api.stats(ctx.site.id, {
        from: since < today ? since : addDays(today, -1),
        to: today,
        limit: '1',
      })
      neverData = all.kpis.pageviews === 0 && (all.events ?? []).length === 0
      if (!ctx.alive()) return
    }
    render(ctx, range, s, prev, drops, neverData)
  } catch (err) {
    if (ctx.alive()) show(ctx.root, siteHeading(ctx, ctx.site.domain, 'Overview', range), errorBox(err, ctx.reload))
  }
}
