/**
 * Goals: tiles (converted visitors, completions, conversion rate, visitors; all goals or one), the goals
 * timeseries (`/goals/timeseries`, previous period dashed), and the list with each goal's figures and
 * "Any goal" under it; create and delete for editors and owners.
 *
 * Tiles, chart and table use the API's two definitions, and say which: converted visitors are unique
 * visitors (for all goals together, `any_goal`, a visitor who completed two goals counts once: never a
 * sum over the goals), completions are matching events or pageviews. The rate is converted visitors ÷
 * visitors.
 * @module
 */
import { api } from '../api.js'
import type { El } from '../dom.js'
import { h, show } from '../h.js'
import { icon } from '../icons.js'
import { change, fmtInt, fmtPercent } from '../format.js'
import { param, previousRange, type Range } from '../range.js'
import { currentPath, navigate } from '../router.js'
import type { AnyGoal, Goal, GoalPoint, StatsResponse } from '../types.js'
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

/** The figures of one goal, or of all goals together; zeros for a goal without figures yet. */
function figuresOf(s: StatsResponse, selected: Goal | undefined): AnyGoal {
  const f = selected ? s.goals?.find((g) => g.goal_id === selected.id) : s.any_goal
  return f ?? { conversions: 0, completions: 0, conversion_rate: 0 }
}

function tiles(d: Data, selected: Goal | undefined): El {
  const cur = figuresOf(d.stats, selected)
  const old = d.prev ? figuresOf(d.prev, selected) : null
  return h(
    'div',
    { class: 'kpis kpis-4' },
    kpiTile('Converted visitors', fmtInt(cur.conversions), change(cur.conversions, old?.conversions), {
      testId: 'conversions',
      hint: selected ? undefined : 'on any goal',
    }),
    kpiTile('Completions', fmtInt(cur.completions), change(cur.completions, old?.completions), {
      testId: 'completions',
    }),
    kpiTile(
      'Conversion rate',
      fmtPercent(cur.conversion_rate),
      change(cur.conversion_rate, old?.conversion_rate, false, fmtPercent),
      { testId: 'conversion-rate', hint: 'converted ÷ visitors' },
    ),
    kpiTile('Visitors', fmtInt(d.stats.kpis.visitors), change(d.stats.kpis.visitors, d.prev?.kpis.visitors), {
      testId: 'goal-visitors',
    }),
  )
}

function rateBar(rate: number): El {
  const bar = h(
    'span',
    { class: 'rate-bar', 'aria-hidden': 'true' },
    h('span', { style: { '--w': `${Math.min(100, rate)}%` } }),
  )
  return h('div', { class: 'rate' }, bar, h('span', null, fmtPercent(rate)))
}

const LABELS = { conversions: 'Converted visitors', completions: 'Completions', rate: 'Conversion rate' }

/** The figure cells of a row: a goal's, or "Any goal"'s. */
function figureCells(f: AnyGoal): El[] {
  return [
    h('td', { class: 'num', 'data-label': LABELS.conversions, 'data-cell': 'conversions' }, fmtInt(f.conversions)),
    h('td', { class: 'num', 'data-label': LABELS.completions, 'data-cell': 'completions' }, fmtInt(f.completions)),
    h('td', { 'data-label': LABELS.rate, 'data-cell': 'rate' }, rateBar(f.conversion_rate)),
  ]
}

function goalTable(ctx: SitePageContext, d: Data): El {
  const stats = new Map((d.stats.goals ?? []).map((g) => [g.goal_id, g]))
  const canEdit = ctx.site.role !== 'viewer'
  const remove = async (g: Goal) => {
    if (
      !(await confirmDialog(
        `Delete the goal “${g.name}”?`,
        'Its figures disappear from the dashboard. The events themselves stay: create the goal again to see them.',
        'Delete goal',
      ))
    )
      return
    try {
      await api.deleteGoal(ctx.site.id, g.id)
      toast(`Goal “${g.name}” deleted`)
      ctx.reload()
    } catch (err) {
      toast(`Could not delete: ${(err as Error).message}`, 'error')
    }
  }
  const actions = canEdit ? h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')) : null
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
        h('th', { scope: 'col', class: 'num' }, LABELS.conversions),
        h('th', { scope: 'col', class: 'num' }, LABELS.completions),
        h('th', { scope: 'col' }, LABELS.rate),
        actions,
      ),
    ),
    h(
      'tbody',
      null,
      d.goals.map((g) =>
        h(
          'tr',
          { 'data-goal': g.name },
          h(
            'th',
            { scope: 'row' },
            h('span', { class: 'goal-name' }, g.name),
            h(
              'span',
              { class: 'goal-match' },
              h('span', { class: `badge badge-${g.type}` }, g.type === 'event' ? 'Event' : 'Path'),
              h('code', null, g.value),
            ),
          ),
          figureCells(stats.get(g.id) ?? { conversions: 0, completions: 0, conversion_rate: 0 }),
          canEdit
            ? h(
                'td',
                { class: 'actions' },
                h(
                  'button',
                  {
                    class: 'btn-icon',
                    type: 'button',
                    'aria-label': `Delete the goal ${g.name}`,
                    title: 'Delete goal',
                    onclick: () => void remove(g),
                  },
                  icon('trash'),
                ),
              )
            : null,
        ),
      ),
    ),
    d.goals.length > 1
      ? h(
          'tfoot',
          null,
          h(
            'tr',
            { 'data-goal-any': '' },
            h(
              'th',
              { scope: 'row' },
              h('span', { class: 'goal-name' }, 'Any goal'),
              h('span', { class: 'goal-match muted small' }, 'A visitor who completed several goals counts once'),
            ),
            figureCells(figuresOf(d.stats, undefined)),
            canEdit ? h('td', { class: 'actions' }) : null,
          ),
        )
      : null,
  )
}

function render(ctx: SitePageContext, range: Range, d: Data, newGoal: () => void): void {
  const selectedId = param(ctx.search, 'goal')
  const selected = d.goals.find((g) => g.id === selectedId)
  const canEdit = ctx.site.role !== 'viewer'
  const actions = canEdit
    ? h(
        'button',
        { class: 'btn btn-primary', type: 'button', onclick: newGoal, 'data-action': 'new-goal' },
        icon('plus'),
        h('span', null, 'New goal'),
      )
    : null
  const heading = siteHeading(ctx, 'Goals', ctx.site.domain, range, actions)
  if (d.goals.length === 0) {
    const text =
      'A goal counts the visitors who send an event (a signup, a purchase) or open a page (/thank-you). Events ' +
      'received before the goal existed count too.'
    const create = canEdit
      ? h(
          'button',
          { class: 'btn btn-primary', type: 'button', onclick: newGoal },
          icon('plus'),
          h('span', null, 'Create your first goal'),
        )
      : null
    return show(ctx.root, heading, card({}, empty('flag', 'No goals yet', h('p', null, text), create)))
  }
  const pick = field(
    'Goal',
    h(
      'select',
      { class: 'select select-sm', name: 'goal' },
      h('option', { value: '' }, 'All goals'),
      d.goals.map((g) => h('option', { value: g.id }, g.name)),
    ),
  )
  pick.input.value = selected?.id ?? ''
  pick.input.addEventListener('change', () => {
    const rest = ctx.search
      .replace(/^\?/, '')
      .split('&')
      .filter((p) => p && !p.startsWith('goal='))
    if (pick.input.value) rest.push(`goal=${encodeURIComponent(pick.input.value)}`)
    navigate(currentPath() + (rest.length ? `?${rest.join('&')}` : ''), { keepScroll: true })
  })
  const times = d.series.map((p) => Date.parse(p.time))
  const what = selected ? selected.name : 'all goals'
  const conv = LABELS.conversions
  const chart = chartCard(
    ctx,
    {
      title: 'Conversions',
      sub: selected
        ? `Visitors who completed “${selected.name}”, and its completions, per period`
        : 'Visitors who completed any goal (each counted once), and completions, per period',
      actions: h('div', { class: 'inline-field' }, pick.wrap),
      legend: [
        { label: conv, color: '--c-pageviews' },
        { label: 'Completions', color: '--c-visitors' },
        ...(d.prevSeries ? [{ label: `${conv} (previous)`, color: '--c-pageviews', dashed: true }] : []),
      ],
      // (Completions are drawn first: never fewer than converted visitors, they would hide them.)
      foot: versus(range),
    },
    () => ({
      times,
      end: Date.parse(d.stats.range.end),
      tz: d.stats.range.tz,
      interval: range.interval,
      label: `Converted visitors and completions of ${what}, ${range.from} to ${range.to}`,
      series: [
        { label: 'Completions', values: d.series.map((p) => p.completions), color: '--c-visitors' },
        { label: conv, values: d.series.map((p) => p.conversions), color: '--c-pageviews', fill: true },
        ...(d.prevSeries
          ? [
              {
                label: `${conv} (previous)`,
                values: alignPrevious(
                  times.length,
                  d.prevSeries.map((p) => p.conversions),
                ),
                color: '--c-pageviews',
                dashed: true,
              },
            ]
          : []),
      ],
    }),
  )
  const sub = 'Converted visitors are unique visitors; completions count every matching event or pageview.'
  show(
    ctx.root,
    heading,
    tiles(d, selected),
    chart,
    card({ title: 'All goals', sub, class: 'card-table' }, goalTable(ctx, d)),
  )
}

export async function goalsPage(ctx: SitePageContext): Promise<void> {
  const range = pageRange(ctx)
  const prevRange = previousRange(range)
  const goalId = param(ctx.search, 'goal') ?? undefined
  show(
    ctx.root,
    siteHeading(ctx, 'Goals', ctx.site.domain, range),
    h(
      'div',
      { class: 'kpis kpis-4' },
      Array.from({ length: 4 }, () => skeleton('sk-kpi')),
    ),
    skeleton('sk-chart'),
  )
  let data: Data
  try {
    const goals = await api.goals(ctx.site.id)
    const known = goals.some((g) => g.id === goalId) ? goalId : undefined
    const [stats, prev, series, prevSeries] = await Promise.all([
      api.stats(ctx.site.id, { ...rangeQuery(range), limit: '1' }),
      api.stats(ctx.site.id, { ...rangeQuery(prevRange), limit: '1' }).catch(() => null),
      goals.length ? api.goalsTimeseries(ctx.site.id, { ...rangeQuery(range), goal_id: known }) : Promise.resolve([]),
      goals.length
        ? api.goalsTimeseries(ctx.site.id, { ...rangeQuery(prevRange), goal_id: known }).catch(() => null)
        : Promise.resolve(null),
    ])
    data = { goals, stats, prev, series, prevSeries }
  } catch (err) {
    if (ctx.alive()) show(ctx.root, siteHeading(ctx, 'Goals', ctx.site.domain, range), errorBox(err, ctx.reload))
    return
  }
  if (!ctx.alive()) return
  const newGoal = () =>
    dialog('New goal', (close) =>
      goalForm(
        ctx.site.id,
        api.events(ctx.site.id, { ...rangeQuery(range), limit: '100' }).then((rows) => rows.map((e) => e.name)),
        (g) => {
          close()
          toast(`Goal “${g.name}” created`)
          ctx.reload()
        },
        close,
      ),
    )
  render(ctx, range, data, newGoal)
}
