/**
 * Goals: tiles (conversions, completions, conversion rate, visitors; all goals or one), the goals
 * timeseries (`/goals/timeseries`, previous period dashed), and the list with each goal's conversions,
 * completions and conversion rate; create and delete for editors and owners.
 * @module
 */
import { api } from '../api.js'
import type { El } from '../dom.js'
import { h, show } from '../h.js'
import { icon } from '../icons.js'
import { change, fmtInt, fmtPercent } from '../format.js'
import { param, previousRange, type Range } from '../range.js'
import { currentPath, navigate } from '../router.js'
import type { Goal, GoalPoint, GoalStats, StatsResponse } from '../types.js'
import { card, confirmDialog, dialog, empty, errorBox, field, skeleton, toast } from '../ui.js'
import { kpiTile } from '../widgets.js'
import { chartCard, pageRange, rangeQuery, siteHeading, versus } from './common.js'
import type { SitePageContext } from './context.js'
import { goalForm } from './goal-form.js'
import { alignPrevious } from './overview.js'

interface Data {
  goals: Goal[]
  stats: StatsResponse
  prev: StatsResponse | null
  series: GoalPoint[]
  prevSeries: GoalPoint[] | null
}

const sum = (xs: GoalStats[], k: 'conversions' | 'completions') => xs.reduce((n, g) => n + g[k], 0)

function tiles(d: Data, selected: Goal | undefined): El {
  const cur = (d.stats.goals ?? []).filter((g) => !selected || g.goal_id === selected.id)
  const old = d.prev ? (d.prev.goals ?? []).filter((g) => !selected || g.goal_id === selected.id) : null
  const visitors = kpiTile('Visitors', fmtInt(d.stats.kpis.visitors), change(d.stats.kpis.visitors, d.prev?.kpis.visitors), { testId: 'goal-visitors' })
  const conv = kpiTile('Conversions', fmtInt(sum(cur, 'conversions')), change(sum(cur, 'conversions'), old && sum(old, 'conversions')), { testId: 'conversions', hint: selected ? undefined : 'summed over goals' })
  const comp = kpiTile('Completions', fmtInt(sum(cur, 'completions')), change(sum(cur, 'completions'), old && sum(old, 'completions')), { testId: 'completions' })
  if (!selected) return h('div', { class: 'kpis kpis-4' }, kpiTile('Goals', fmtInt(d.goals.length), null, { testId: 'goal-count', hint: 'on this site' }), conv, comp, visitors)
  const rate = cur[0]?.conversion_rate ?? 0
  const oldRate = old?.[0]?.conversion_rate
  return h('div', { class: 'kpis kpis-4' }, conv, comp, kpiTile('Conversion rate', fmtPercent(rate), change(rate, oldRate, false, fmtPercent), { testId: 'conversion-rate' }), visitors)
}

function rateBar(rate: number): El {
  const bar = h('span', { class: 'rate-bar', 'aria-hidden': 'true' }, h('span', { style: { '--w': `${Math.min(100, rate)}%` } }))
  return h('div', { class: 'rate' }, bar, h('span', null, fmtPercent(rate)))
}

function goalTable(ctx: SitePageContext, d: Data): El {
  const stats = new Map((d.stats.goals ?? []).map((g) => [g.goal_id, g]))
  const canEdit = ctx.site.role !== 'viewer'
  const remove = async (g: Goal) => {
    if (!(await confirmDialog(`Delete the goal “${g.name}”?`, 'Its figures disappear from the dashboard. The events themselves stay: create the goal again to see them.', 'Delete goal'))) return
    try {
      await api.deleteGoal(ctx.site.id, g.id)
      toast(`Goal “${g.name}” deleted`)
      ctx.reload()
    } catch (err) {
      toast(`Could not delete: ${(err as Error).message}`, 'error')
    }
  }
  return h(
    'table',
    { class: 'table goals-table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Goal'),
        h('th', { scope: 'col', class: 'num' }, 'Conversions'),
        h('th', { scope: 'col', class: 'num' }, 'Completions'),
        h('th', { scope: 'col' }, 'Conversion rate'),
        canEdit ? h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')) : null,
      ),
    ),
    h(
      'tbody',
      null,
      d.goals.map((g) => {
        const s = stats.get(g.id)
        const rate = s?.conversion_rate ?? 0
        return h(
          'tr',
          { 'data-goal': g.name },
          h('th', { scope: 'row' }, h('span', { class: 'goal-name' }, g.name), h('span', { class: 'goal-match' }, h('span', { class: `badge badge-${g.type}` }, g.type === 'event' ? 'Event' : 'Path'), h('code', null, g.value))),
          h('td', { class: 'num', 'data-label': 'Conversions', 'data-cell': 'conversions' }, fmtInt(s?.conversions ?? 0)),
          h('td', { class: 'num', 'data-label': 'Completions', 'data-cell': 'completions' }, fmtInt(s?.completions ?? 0)),
          h('td', { 'data-label': 'Conversion rate', 'data-cell': 'rate' }, rateBar(rate)),
          canEdit ? h('td', { class: 'actions' }, h('button', { class: 'btn-icon', type: 'button', 'aria-label': `Delete the goal ${g.name}`, title: 'Delete goal', onclick: () => void remove(g) }, icon('trash'))) : null,
        )
      }),
    ),
  )
}

function render(ctx: SitePageContext, range: Range, d: Data, newGoal: () => void): void {
  const selectedId = param(ctx.search, 'goal')
  const selected = d.goals.find((g) => g.id === selectedId)
  const canEdit = ctx.site.role !== 'viewer'
  const actions = canEdit ? h('button', { class: 'btn btn-primary', type: 'button', onclick: newGoal, 'data-action': 'new-goal' }, icon('plus'), h('span', null, 'New goal')) : null
  const heading = siteHeading(ctx, 'Goals', ctx.site.domain, range, actions)
  if (d.goals.length === 0) {
    const text = 'A goal counts the visitors who send an event (a signup, a purchase) or open a page (/thank-you). Events received before the goal existed count too.'
    const create = canEdit ? h('button', { class: 'btn btn-primary', type: 'button', onclick: newGoal }, icon('plus'), h('span', null, 'Create your first goal')) : null
    return show(ctx.root, heading, card({}, empty('flag', 'No goals yet', h('p', null, text), create)))
  }
  const pick = field('Goal', h('select', { class: 'select select-sm', name: 'goal' }, h('option', { value: '' }, 'All goals'), d.goals.map((g) => h('option', { value: g.id }, g.name))))
  pick.input.value = selected?.id ?? ''
  pick.input.addEventListener('change', () => {
    const rest = ctx.search.replace(/^\?/, '').split('&').filter((p) => p && !p.startsWith('goal='))
    if (pick.input.value) rest.push(`goal=${encodeURIComponent(pick.input.value)}`)
    navigate(currentPath() + (rest.length ? `?${rest.join('&')}` : ''), { keepScroll: true })
  })
  const times = d.series.map((p) => Date.parse(p.time))
  const what = selected ? selected.name : 'all goals'
  const chart = chartCard(
    ctx,
    {
      title: 'Conversions',
      sub: selected ? `Visitors who completed “${selected.name}”` : 'Visitors who completed any goal, per period',
      actions: h('div', { class: 'inline-field' }, pick.wrap),
      legend: [{ label: 'Conversions', color: '--c-pageviews' }, { label: 'Completions', color: '--c-visitors' }, ...(d.prevSeries ? [{ label: 'Conversions (previous)', color: '--c-pageviews', dashed: true }] : [])],
      // (Completions are drawn first: never fewer than conversions, they would hide them.)
      foot: versus(range),
    },
    () => ({
      times,
      end: Date.parse(d.stats.range.end),
      tz: d.stats.range.tz,
      interval: range.interval,
      label: `Conversions of ${what}, ${range.from} to ${range.to}`,
      series: [
        { label: 'Completions', values: d.series.map((p) => p.completions), color: '--c-visitors' },
        { label: 'Conversions', values: d.series.map((p) => p.conversions), color: '--c-pageviews', fill: true },
        ...(d.prevSeries ? [{ label: 'Conversions (previous)', values: alignPrevious(times.length, d.prevSeries.map((p) => p.conversions)), color: '--c-pageviews', dashed: true }] : []),
      ],
    }),
  )
  show(ctx.root, heading, tiles(d, selected), chart, card({ title: 'All goals', sub: 'Conversions are unique visitors; completions count every matching event or pageview.', class: 'card-table' }, goalTable(ctx, d)))
}

export async function goalsPage(ctx: SitePageContext): Promise<void> {
  const range = pageRange(ctx)
  const prevRange = previousRange(range)
  const goalId = param(ctx.search, 'goal') ?? undefined
  show(ctx.root, siteHeading(ctx, 'Goals', ctx.site.domain, range), h('div', { class: 'kpis kpis-4' }, Array.from({ length: 4 }, () => skeleton('sk-kpi'))), skeleton('sk-chart'))
  let data: Data
  try {
    const goals = await api.goals(ctx.site.id)
    const known = goals.some((g) => g.id === goalId) ? goalId : undefined
    const [stats, prev, series, prevSeries] = await Promise.all([
      api.stats(ctx.site.id, { ...rangeQuery(range), limit: '1' }),
      api.stats(ctx.site.id, { ...rangeQuery(prevRange), limit: '1' }).catch(() => null),
      goals.length ? api.goalsTimeseries(ctx.site.id, { ...rangeQuery(range), goal_id: known }) : Promise.resolve([]),
      goals.length ? api.goalsTimeseries(ctx.site.id, { ...rangeQuery(prevRange), goal_id: known }).catch(() => null) : Promise.resolve(null),
    ])
    data = { goals, stats, prev, series, prevSeries }
  } catch (err) {
    if (ctx.alive()) show(ctx.root, siteHeading(ctx, 'Goals', ctx.site.domain, range), errorBox(err, ctx.reload))
    return
  }
  if (!ctx.alive()) return
  const newGoal = () =>
    dialog('New goal', (close) =>
      goalForm(ctx.site.id, api.events(ctx.site.id, { ...rangeQuery(range), limit: '100' }).then((rows) => rows.map((e) => e.name)), (g) => {
        close()
        toast(`Goal “${g.name}” created`)
        ctx.reload()
      }, close),
    )
  render(ctx, range, data, newGoal)
}
