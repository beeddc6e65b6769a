/**
 * The analytics widgets: KPI tiles with their change against the previous period, top lists with
 * proportional bars, and tabbed cards (WAI-ARIA tabs: arrow keys move between tabs).
 * @module
 */
import type { El, KeyEv } from './dom.js'
import { h, show, uid, type Kid } from './h.js'
import { fmtInt, fmtPercent, share, type Change } from './format.js'
import { card } from './ui.js'

export function kpiTile(
  label: string,
  value: string,
  ch: Change | null | undefined,
  opts: { hint?: string; live?: boolean; testId?: string } = {},
): El {
  return h(
    'div',
    { class: `kpi ${opts.live ? 'kpi-live' : ''}`, role: 'group', 'aria-label': label, 'data-kpi': opts.testId },
    h('div', { class: 'kpi-label' }, opts.live ? h('span', { class: 'live-dot', 'aria-hidden': 'true' }) : null, label),
    h('div', { class: 'kpi-value' }, value),
    ch
      ? h(
          'div',
          { class: `kpi-change tone-${ch.tone}`, title: ch.label },
          h('span', { 'aria-hidden': 'true' }, ch.text),
          h('span', { class: 'sr-only' }, ch.label),
        )
      : h('div', { class: 'kpi-change tone-none' }, opts.hint ?? '\u00a0'),
  )
}

export interface Row {
  name: string
  value: number
  /** Shown small after the name (a type, a count of visitors…). */
  note?: string
  href?: string
  onSelect?: () => void
  selected?: boolean
  /** A tooltip for the row (the full name and figures). */
  title?: string
}

export interface ListOptions {
  nameLabel: string
  valueLabel: string
  empty: Kid
  format?: (n: number) => string
  /** The bars' 100 %: the list's largest value unless given (e.g. all visitors). */
  total?: number
  mono?: boolean
}

/** Rows with bars proportional to their value; the percentage is each row's share of the list. */
export function toplist(rows: Row[], opts: ListOptions): El {
  if (rows.length === 0) return h('div', { class: 'list-empty' }, opts.empty)
  const format = opts.format ?? fmtInt
  const max = Math.max(...rows.map((r) => r.value), 1)
  const sum = opts.total ?? rows.reduce((n, r) => n + r.value, 0)
  return h(
    'div',
    { class: 'toplist' },
    h(
      'div',
      { class: 'toplist-head', 'aria-hidden': 'true' },
      h('span', null, opts.nameLabel),
      h('span', null, opts.valueLabel),
    ),
    h(
      'ul',
      { class: 'toplist-rows', 'aria-label': `${opts.nameLabel} by ${opts.valueLabel.toLowerCase()}` },
      rows.map((r) => {
        const pct = share(r.value, sum)
        const inner = [
          h('span', {
            class: 'bar',
            style: { '--w': `${Math.max(1.5, (r.value / max) * 100)}%` },
            'aria-hidden': 'true',
          }),
          // The name may be cut (a long path), never its note (`5 completions`): the note wraps under it instead.
          h(
            'span',
            { class: 'row-name', title: r.title ?? r.name },
            h('span', { class: `row-label ${opts.mono ? 'mono' : ''}` }, r.name || '(none)'),
            r.note ? h('span', { class: 'row-note' }, r.note) : null,
          ),
          h(
            'span',
            { class: 'row-value' },
            format(r.value),
            h('span', { class: 'row-pct' }, fmtPercent(Math.round(pct * 10) / 10)),
          ),
        ]
        const body = r.href
          ? h('a', { class: 'row-link', href: r.href, 'data-keep-scroll': true }, inner)
          : r.onSelect
            ? h(
                'button',
                {
                  class: 'row-link',
                  type: 'button',
                  'aria-pressed': r.selected ? 'true' : 'false',
                  onclick: r.onSelect,
                },
                inner,
              )
            : h('div', { class: 'row-static' }, inner)
        return h('li', { class: `row ${r.selected ? 'is-selected' : ''}` }, body)
      }),
    ),
  )
}

export interface Tab {
  id: string
  label: string
  render: () => Kid
}

/** A card whose body is one of several tabs. */
export function tabbedCard(title: string, tabs: Tab[], opts: { sub?: Kid; actions?: Kid } = {}): El {
  const base = uid('tabs')
  const panel = h('div', { class: 'tab-panel', role: 'tabpanel', tabindex: '0' })
  const buttons = tabs.map((t, i) =>
    h(
      'button',
      {
        class: 'tab',
        type: 'button',
        role: 'tab',
        id: `${base}-${t.id}`,
        'aria-controls': `${base}-panel`,
        onclick: () => select(i),
      },
      t.label,
    ),
  )
  panel.id = `${base}-panel`
  const select = (i: number, focus = false) => {
    buttons.forEach((b, k) => {
      b.setAttribute('aria-selected', String(k === i))
      b.tabIndex = k === i ? 0 : -1
    })
    panel.setAttribute('aria-labelledby', buttons[i]!.id)
    show(panel, tabs[i]!.render())
    if (focus) buttons[i]!.focus()
  }
  const list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': title }, buttons)
  list.addEventListener('keydown', (e: KeyEv) => {
    const at = buttons.findIndex((b) => b.getAttribute('aria-selected') === 'true')
    const next =
      e.key === 'ArrowRight'
        ? at + 1
        : e.key === 'ArrowLeft'
          ? at - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? tabs.length - 1
              : null
    if (next === null) return
    e.preventDefault()
    select((next + tabs.length) % tabs.length, true)
  })
  select(0)
  return card({ title, sub: opts.sub, actions: opts.actions, class: 'card-tabs' }, tabs.length > 1 ? list : null, panel)
}
