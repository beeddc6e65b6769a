/**
 * Pieces every site page shares: the heading with the range picker, the range from the URL, a chart slot
 * that redraws on theme changes, and the "no data yet" panel with the snippet.
 * @module
 */
import { doc, win, type El } from '../dom.js'
import { areaChart, legend, type ChartSpec } from '../chart.js'
import { h, show, type Kid } from '../h.js'
import { icon } from '../icons.js'
import { describeRange, previousRange, rangeFromSearch, rangeSearch, resolveRange, type Range } from '../range.js'
import { rangePicker } from '../range-picker.js'
import { currentPath, href, navigate, sitePath } from '../router.js'
import { codeBlock, eventSnippetText, publicUrl, snippet } from '../snippet.js'
import { onSchemeChange } from '../theme.js'
import { card } from '../ui.js'
import type { SitePageContext } from './context.js'

export const pageRange = (ctx: SitePageContext): Range => rangeFromSearch(ctx.search, ctx.site.timezone, Date.now())

export const rangeQuery = (r: Range) => ({ from: r.from, to: r.to, interval: r.interval })

export function siteHeading(ctx: SitePageContext, title: string, sub: Kid, range: Range | null, actions?: Kid): El {
  doc.title = `${title} · ${ctx.site.domain} · hitring`
  return h(
    'div',
    { class: 'page-top' },
    h(
      'div',
      { class: 'page-head' },
      h('div', null, h('h1', null, title), h('p', { class: 'muted' }, sub)),
      actions ? h('div', { class: 'page-actions' }, actions) : null,
    ),
    range
      ? rangePicker({
          range,
          timezone: ctx.site.timezone,
          zoneHref: href(sitePath(ctx.site.id, 'settings')),
          onRefresh: ctx.reload,
          onChange: (preset, custom) => {
            const r =
              preset === 'custom' && custom
                ? { preset, ...custom }
                : resolveRange(preset, ctx.site.timezone, Date.now())
            navigate(currentPath() + rangeSearch(r), { keepScroll: true })
          },
        })
      : null,
  )
}

/** `vs. Apr 2 – May 1`: the period the changes compare with. */
export const versus = (r: Range): string => `vs. ${describeRange(previousRange(r))}`

/** A card holding a chart that is drawn now, again when the colour scheme changes, and destroyed with the page. */
export function chartCard(
  ctx: SitePageContext,
  opts: {
    title: Kid
    sub?: Kid
    actions?: Kid
    legend: { label: string; color: string; dashed?: boolean }[]
    foot?: Kid
  },
  spec: () => ChartSpec,
): El {
  const host = h('div', { class: 'chart-host' })
  let chart: { destroy(): void } | null = null
  const draw = () => {
    chart?.destroy()
    chart = host.isConnected ? areaChart(host, spec()) : null
  }
  // Drawn once the card is in the page (uPlot measures its width).
  win.requestAnimationFrame(draw)
  ctx.cleanup(onSchemeChange(draw))
  ctx.cleanup(() => chart?.destroy())
  return card(
    { title: opts.title, sub: opts.sub, actions: opts.actions, class: 'card-chart' },
    host,
    h(
      'div',
      { class: 'chart-foot' },
      legend(opts.legend),
      opts.foot ? h('p', { class: 'muted small' }, opts.foot) : null,
    ),
  )
}

/** The site never received anything: what to paste, and what a custom event looks like. */
export function noDataPanel(ctx: SitePageContext): El {
  return card(
    {
      title: h('span', { class: 'title-with-icon' }, icon('inbox'), 'No data yet: paste this snippet'),
      sub: `Add it to every page of ${ctx.site.domain}. The first visit appears here within seconds.`,
      class: 'card-callout',
    },
    snippet(),
    h(
      'details',
      { class: 'more' },
      h('summary', null, 'Custom events and server-side events'),
      h('p', { class: 'muted small' }, 'From a page:'),
      codeBlock(eventSnippetText(), 'Custom event'),
      h('p', { class: 'muted small' }, 'From your backend:'),
      codeBlock(curlText(ctx.site), 'Server-side event'),
    ),
  )
}

/** The seed's server-side event, for this site. */
export function curlText(site: { id: string; domain: string }): string {
  const body = JSON.stringify({
    site_id: site.id,
    name: 'purchase',
    url: `https://${site.domain}/checkout/success`,
    referrer: '',
    props: { plan: 'pro', amount: '49' },
  })
  return `curl -X POST ${publicUrl()}/ingest/event \\\n  -H "Content-Type: application/json" \\\n  -d '${body}'`
}

export function show404(ctx: { root: El }, what: string): void {
  show(
    ctx.root,
    card({ title: 'Not found' }, h('p', null, what), h('p', null, h('a', { href: href('/') }, 'Back to your sites'))),
  )
}
