/**
 * Time-series area charts (uPlot): the current period as filled areas, the previous period as dashed lines
 * on the same x positions, a tooltip that follows the cursor, axes in the SITE's time zone, colours from
 * the CSS theme (light or dark), and a visually hidden table of the same figures for screen readers.
 *
 * A figure is a count over a whole bucket (an hour, a day…), and the API gives every bucket, 0 where
 * nothing happened. So each bucket is drawn flat over its own span, from its start to the next one's,
 * and the cursor reads the bucket it is over: a line from point to point — smoothed or not — would rise
 * through the empty hour before a busy one and show traffic where there was none.
 * @module
 */
import uPlot from 'uplot'
import { win, type El } from './dom.js'
import { h, show } from './h.js'
import { fmtCompact, fmtInt } from './format.js'

export interface SeriesSpec {
  label: string
  values: (number | null)[]
  /** A CSS custom property of the theme, such as `--c-visitors`. */
  color: string
  dashed?: boolean
  fill?: boolean
}

export interface ChartSpec {
  /** Bucket starts, epoch ms. */
  times: number[]
  /** Where the last bucket ends, epoch ms (the answer's `range.end`); else one interval after its start. */
  end?: number
  series: SeriesSpec[]
  tz: string
  interval: string
  /** What the chart shows, for assistive technology. */
  label: string
  format?: (n: number) => string
  height?: number
}

export interface Chart {
  destroy(): void
}

/** Y-axis steps: whole numbers only (counts are never fractional). */
const COUNT_STEPS = [
  1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 1e7, 1e8,
]

const fmtCache = new Map<string, Intl.DateTimeFormat>()
function dateFmt(tz: string, kind: string): Intl.DateTimeFormat {
  const key = `${tz}|${kind}`
  let f = fmtCache.get(key)
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      kind === 'hour-tip'
        ? { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
        : kind === 'hour'
          ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
          : kind === 'day-tip'
            ? { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' }
            : kind === 'month'
              ? { month: 'short', year: '2-digit' }
              : kind === 'month-tip'
                ? { month: 'long', year: 'numeric' }
                : { month: 'short', day: 'numeric' }
    fmtCache.set(key, (f = new Intl.DateTimeFormat('en-US', { timeZone: tz, ...opts })))
  }
  return f
}

/** How a bucket start reads in the tooltip and the hidden table. */
export const bucketLabel = (ms: number, tz: string, interval: string): string =>
  dateFmt(tz, interval === 'hour' ? 'hour-tip' : interval === 'month' ? 'month-tip' : 'day-tip').format(ms)

const cssVar = (el: El, name: string, fallback: string): string =>
  win.getComputedStyle(el).getPropertyValue(name).trim() || fallback

function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color)
  if (!m) return color
  const n = parseInt(m[1]!, 16)
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`
}

function tooltip(spec: ChartSpec, colors: string[], format: (n: number) => string): uPlot.Plugin {
  let tip: El
  return {
    hooks: {
      init: (u) => {
        tip = h('div', { class: 'chart-tip', hidden: true })
        ;(u.over as unknown as El).append(tip)
      },
      setCursor: (u) => {
        const i = u.cursor.idxs?.[1] ?? u.cursor.idx
        if (i === null || i === undefined || u.cursor.left === undefined || u.cursor.left < 0) {
          tip.hidden = true
          return
        }
        show(
          tip,
          h('div', { class: 'chart-tip-title' }, bucketLabel(spec.times[i]!, spec.tz, spec.interval)),
          spec.series.map((s, k) => {
            const v = s.values[i]
            return v === null || v === undefined
              ? null
              : h(
                  'div',
                  { class: 'chart-tip-row' },
                  h('span', { class: `swatch ${s.dashed ? 'swatch-dashed' : ''}`, style: { '--swatch': colors[k]! } }),
                  h('span', null, s.label),
                  h('strong', null, format(v)),
                )
          }),
        )
        tip.hidden = false
        const width = (u.over as unknown as El).clientWidth
        const left = u.cursor.left
        tip.style.setProperty('left', `${left > width / 2 ? left - 12 : left + 12}px`)
        tip.style.setProperty('transform', left > width / 2 ? 'translateX(-100%)' : 'none')
        tip.style.setProperty('top', `${Math.max(0, (u.cursor.top ?? 0) - 20)}px`)
      },
    },
  }
}

/** The bucket holding instant `t`: the last one starting at or before it. */
export function bucketAt(times: number[], t: number): number {
  let i = 0
  while (i + 1 < times.length && times[i + 1]! <= t) i++
  return i
}

/** About one interval after a bucket's start, for a chart not told where its range ends (only drawn). */
function bucketEnd(start: number, interval: string): number {
  const DAY = 86_400_000
  if (interval === 'hour') return start + 3_600_000
  if (interval !== 'month') return start + (interval === 'week' ? 7 : 1) * DAY
  const inMonth = new Date(start + 3 * DAY) // a date inside the local month, whatever the zone's offset
  return start + new Date(Date.UTC(inMonth.getUTCFullYear(), inMonth.getUTCMonth() + 1, 0)).getUTCDate() * DAY
}

/** Draws the chart into `host` (which it fills in width) and keeps it sized; `destroy` removes it. */
export function areaChart(host: El, spec: ChartSpec): Chart {
  const format = spec.format ?? fmtInt
  const colors = spec.series.map((s) => cssVar(host, s.color, '#6366f1'))
  const grid = cssVar(host, '--c-grid', '#e5e7eb')
  const axis = cssVar(host, '--text-3', '#6b7280')
  const font = `12px ${cssVar(host, '--font', 'sans-serif')}`
  const height = spec.height ?? (win.innerWidth < 640 ? 200 : 260)
  const steps = uPlot.paths.stepped!({ align: 1 })
  const end = spec.end ?? bucketEnd(spec.times[spec.times.length - 1] ?? 0, spec.interval)

  const xFmt = dateFmt(spec.tz, spec.interval === 'hour' ? 'hour' : spec.interval === 'month' ? 'month' : 'day')
  const opts: uPlot.Options = {
    width: Math.max(200, host.clientWidth),
    height,
    legend: { show: false },
    padding: [12, 20, 0, 0],
    // The bucket under the cursor, not the nearest bucket start (which is the next bucket past its middle).
    cursor: {
      points: { size: 8, width: 2 },
      drag: { x: false, y: false },
      y: false,
      dataIdx: (_u, _s, _closest, x) => bucketAt(spec.times, x * 1000),
    },
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), spec.tz),
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max <= 4 ? 4 : Math.ceil(max * 1.12)] } },
    axes: [
      {
        stroke: axis,
        font,
        size: 30,
        grid: { show: false },
        ticks: { show: false },
        gap: 6,
        values: (_u, splits) => splits.map((s) => xFmt.format(s * 1000)),
      },
      {
        stroke: axis,
        font,
        size: 48,
        gap: 6,
        grid: { stroke: grid, width: 1 },
        ticks: { show: false },
        incrs: COUNT_STEPS,
        values: (_u, splits) => splits.map((s) => fmtCompact(s)),
      },
    ],
    series: [
      {},
      ...spec.series.map((s, k) => ({
        label: s.label,
        stroke: s.dashed ? withAlpha(colors[k]!, 0.75) : colors[k]!,
        width: s.dashed ? 1.5 : 2,
        dash: s.dashed ? [5, 5] : undefined,
        paths: steps,
        points: { show: false },
        fill: s.fill
          ? (u: uPlot) => {
              const g = u.ctx.createLinearGradient(0, u.bbox.top, 0, u.bbox.top + u.bbox.height)
              g.addColorStop(0, withAlpha(colors[k]!, 0.28))
              g.addColorStop(1, withAlpha(colors[k]!, 0.02))
              return g
            }
          : undefined,
      })),
    ],
    plugins: [tooltip(spec, colors, format)],
  }
  // One more x, where the last bucket ends, holding the last values: the end of its step.
  const data: uPlot.AlignedData = [
    [...spec.times, end].map((t) => t / 1000),
    ...spec.series.map((s) => [...s.values, s.values[s.values.length - 1] ?? null]),
  ]
  const frame = h('div', { class: 'chart', role: 'img', 'aria-label': spec.label })
  // In a clipped box: a table keeps its content width whatever width it is given.
  const table = h(
    'table',
    null,
    h('caption', null, spec.label),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Time'),
        spec.series.map((s) => h('th', { scope: 'col' }, s.label)),
      ),
    ),
    h(
      'tbody',
      null,
      spec.times.map((t, i) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, bucketLabel(t, spec.tz, spec.interval)),
          spec.series.map((s) =>
            h('td', null, s.values[i] === null || s.values[i] === undefined ? '–' : format(s.values[i]!)),
          ),
        ),
      ),
    ),
  )
  host.replaceChildren(frame, h('div', { class: 'sr-only' }, table))
  const plot = new uPlot(opts, data, frame as unknown as ConstructorParameters<typeof uPlot>[2])
  let last = host.clientWidth
  const ro = win.ResizeObserver
    ? new win.ResizeObserver(() => {
        const w = host.clientWidth
        if (w > 0 && w !== last) {
          last = w
          plot.setSize({ width: w, height })
        }
      })
    : null
  ro?.observe(host)
  return {
    destroy() {
      ro?.disconnect()
      plot.destroy()
    },
  }
}

/** The legend under a chart: one chip per series (dashed ones marked as the previous period). */
export function legend(items: { label: string; color: string; dashed?: boolean }[]): El {
  return h(
    'ul',
    { class: 'legend' },
    items.map((it) =>
      h(
        'li',
        null,
        h('span', { class: `swatch ${it.dashed ? 'swatch-dashed' : ''}`, style: { '--swatch': `var(${it.color})` } }),
        it.label,
      ),
    ),
  )
}
