/**
 * The date-range picker: presets as a segmented control (today, 7 days, 30 days, this month, 12 months),
 * a custom range (two labelled date fields), a refresh button, and the range and time zone in words —
 * with, for a range of instants from a link, the whole quarter-hours the figures cover where they differ.
 * @module
 */
import type { El } from './dom.js'
import { h, show } from './h.js'
import { icon } from './icons.js'
import {
  coveredRange,
  describeRange,
  describeSpan,
  isDate,
  PRESETS,
  type Preset,
  type Range,
  resolveRange,
  todayIn,
} from './range.js'
import { field, form } from './ui.js'

export interface PickerOptions {
  range: Range
  timezone: string
  /** A new range was chosen: `custom` carries its dates. */
  onChange(preset: Preset, custom?: { from: string; to: string }): void
  onRefresh(): void
  /** Links to where the zone is changed (settings). */
  zoneHref?: string
}

/** "Figures cover 10:00 – 11:15": what the API answered for instants, where it is not what was asked. */
function covered(r: Range, tz: string): El | null {
  const c = coveredRange(r)
  if (!c || (c.start === Date.parse(r.from) && c.end === Date.parse(r.to))) return null
  const title = 'Figures are kept by the quarter-hour: the range is widened to whole quarter-hours'
  return h(
    'span',
    {
      class: 'range-covered',
      title,
      'data-start': new Date(c.start).toISOString(),
      'data-end': new Date(c.end).toISOString(),
    },
    `figures cover ${describeSpan(c.start, c.end, tz)}`,
  )
}

export function rangePicker(o: PickerOptions): El {
  const customBox = h('div', { class: 'custom-range', hidden: o.range.preset !== 'custom' })
  const buttons = PRESETS.map((p) => {
    const b = h(
      'button',
      {
        class: 'seg',
        type: 'button',
        'aria-pressed': String(p.id === o.range.preset),
        title: p.long,
        'data-range': p.id,
      },
      p.id === 'custom' ? icon('calendar') : null,
      h('span', { 'aria-hidden': 'true' }, p.label),
      h('span', { class: 'sr-only' }, p.long),
    )
    b.addEventListener('click', () => {
      if (p.id !== 'custom') return o.onChange(p.id)
      customBox.hidden = !customBox.hidden
      b.setAttribute('aria-expanded', String(!customBox.hidden))
      if (!customBox.hidden) customBox.querySelector('input')?.focus()
    })
    if (p.id === 'custom') {
      b.setAttribute('aria-expanded', String(!customBox.hidden))
      b.setAttribute('aria-controls', 'custom-range')
    }
    return b
  })
  customBox.id = 'custom-range'
  // Instants from a link: their local dates, so that editing them goes to whole days.
  const days = (r: Range) =>
    isDate(r.from)
      ? r
      : {
          from: todayIn(o.timezone, Date.parse(r.from)),
          to: todayIn(o.timezone, Math.max(Date.parse(r.from), Date.parse(r.to) - 1)),
        }
  const fallback = o.range.preset === 'custom' ? days(o.range) : resolveRange('7d', o.timezone, Date.now())
  const from = field('From', h('input', { type: 'date', value: fallback.from, max: fallback.to, required: true }))
  const to = field('To (included)', h('input', { type: 'date', value: fallback.to, required: true }))
  const problem = h('p', { class: 'field-error', role: 'alert', hidden: true })
  show(
    customBox,
    form(
      () => {
        const a = from.input.value
        const b = to.input.value
        problem.hidden = isDate(a) && isDate(b) && a <= b
        if (!problem.hidden)
          return show(problem, !isDate(a) || !isDate(b) ? 'Pick both dates.' : 'The start date is after the end date.')
        o.onChange('custom', { from: a, to: b })
      },
      h(
        'div',
        { class: 'custom-fields' },
        from.wrap,
        to.wrap,
        h('button', { class: 'btn btn-primary', type: 'submit' }, 'Apply'),
      ),
      problem,
    ),
  )
  return h(
    'div',
    { class: 'range-bar' },
    h(
      'div',
      { class: 'range-row' },
      h('div', { class: 'segmented', role: 'group', 'aria-label': 'Date range' }, buttons),
      h(
        'button',
        {
          class: 'btn-icon btn-outline',
          type: 'button',
          'aria-label': 'Refresh',
          title: 'Refresh',
          onclick: o.onRefresh,
        },
        icon('refresh'),
      ),
      h(
        'p',
        { class: 'range-text' },
        h('span', { class: 'range-dates' }, icon('calendar', 'icon icon-sm'), describeRange(o.range)),
        covered(o.range, o.timezone),
        o.zoneHref
          ? h(
              'a',
              {
                class: 'range-zone',
                href: o.zoneHref,
                title: 'Reports use the site’s time zone: change it in the settings',
              },
              icon('clock', 'icon icon-sm'),
              o.timezone,
            )
          : h('span', { class: 'range-zone' }, icon('clock', 'icon icon-sm'), o.timezone),
      ),
    ),
    customBox,
  )
}
