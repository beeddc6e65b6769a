/**
 * The sites you have a role on: each with its visitors of the last 7 days, a sparkline and the change
 * against the 7 days before; "Add site" (and, with no site yet, the form right on the page). Once the
 * first site is added there, the page becomes the list (the site switcher too), with the snippet to
 * paste on top: nothing keeps saying "Add your first site".
 * @module
 */
import { api } from '../api.js'
import { doc, type El } from '../dom.js'
import { h, show } from '../h.js'
import { icon } from '../icons.js'
import { change, fmtInt } from '../format.js'
import { resolveRange } from '../range.js'
import { href, sitePath } from '../router.js'
import { loadSites } from '../state.js'
import type { Site } from '../types.js'
import { card, dialog, errorBox, skeleton } from '../ui.js'
import type { PageContext } from './context.js'
import { addSiteFlow, siteAdded } from './site-form.js'

/** Sites whose figures are fetched at once (each is one request under the API's rate limit). */
const FIGURES_FOR = 12

function sparkline(values: number[]): El {
  const svg = doc.createElementNS('http://www.w3.org/2000/svg', 'svg')
  const w = 120
  const hgt = 32
  svg.setAttribute('viewBox', `0 0 ${w} ${hgt}`)
  svg.setAttribute('class', 'spark')
  svg.setAttribute('aria-hidden', 'true')
  svg.setAttribute('preserveAspectRatio', 'none')
  const max = Math.max(1, ...values)
  const pts = values.map(
    (v, i) => [values.length > 1 ? (i / (values.length - 1)) * w : w / 2, hgt - 2 - (v / max) * (hgt - 4)] as const,
  )
  const line = pts.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`).join(' ')
  svg.innerHTML =
    `<path class="spark-area" d="${line} L${w} ${hgt} L0 ${hgt} Z"/><path class="spark-line" ` + `d="${line}"/>`
  return svg
}

function siteCard(site: Site, withFigures: boolean): El {
  const figures = h(
    'div',
    { class: 'site-figures' },
    withFigures
      ? [skeleton('sk-line'), skeleton('sk-spark')]
      : h('span', { class: 'muted small' }, 'Open to see its figures'),
  )
  if (withFigures) {
    const r = resolveRange('7d', site.timezone, Date.now())
    api
      .stats(site.id, { from: r.from, to: r.to, interval: 'day', compare: 'previous', limit: '1' })
      .then((s) => {
        const ch = change(s.kpis.visitors, s.previous?.kpis.visitors)
        show(
          figures,
          h(
            'div',
            null,
            h(
              'p',
              { class: 'site-number' },
              fmtInt(s.kpis.visitors),
              ch ? h('span', { class: `chip tone-${ch.tone}`, title: ch.label }, ch.text) : null,
            ),
            h(
              'p',
              { class: 'muted small' },
              s.kpis.visitors || s.previous?.kpis.visitors
                ? 'visitors in the last 7 days'
                : 'no visitors in the last 7 days',
            ),
          ),
          sparkline(s.timeseries.map((p) => p.visitors)),
        )
      })
      .catch((err) =>
        show(
          figures,
          h('p', { class: 'small error-text', role: 'alert' }, `Figures unavailable: ${(err as Error).message}`),
        ),
      )
  }
  return h(
    'li',
    null,
    h(
      'a',
      { class: 'site-card', href: href(sitePath(site.id)) },
      h(
        'div',
        { class: 'site-card-head' },
        h('span', { class: 'avatar', 'aria-hidden': 'true' }, site.domain.slice(0, 1).toUpperCase()),
        h(
          'div',
          null,
          h('p', { class: 'site-domain' }, site.domain),
          h('p', { class: 'muted small' }, `${site.timezone} · ${site.role}`),
        ),
      ),
      figures,
    ),
  )
}

/** The site just added on the empty page: shown once more, with its snippet, above the new list. */
let justAdded: Site | null = null

export async function sitesPage(ctx: PageContext): Promise<void> {
  const added = justAdded
  justAdded = null
  doc.title = 'Sites · hitring'
  let sites: Site[]
  try {
    sites = await loadSites(true)
  } catch (err) {
    return show(ctx.root, errorBox(err, ctx.reload))
  }
  if (!ctx.alive()) return
  const openDialog = () =>
    dialog('Add a site', (close) => {
      const host = h('div')
      addSiteFlow(host, { close, onAdded: () => ctx.reload() })
      return host
    })
  const header = h(
    'div',
    { class: 'page-head' },
    h(
      'div',
      null,
      h('h1', null, 'Sites'),
      h(
        'p',
        { class: 'muted' },
        sites.length ? `${sites.length} site${sites.length === 1 ? '' : 's'} on this server` : 'Nothing tracked yet',
      ),
    ),
    sites.length
      ? h(
          'button',
          { class: 'btn btn-primary', type: 'button', onclick: openDialog },
          icon('plus'),
          h('span', null, 'Add site'),
        )
      : null,
  )
  if (sites.length === 0) {
    const host = h('div', { class: 'first-site' })
    addSiteFlow(host, {
      onAdded: (site) => {
        justAdded = site
        ctx.reload()
      },
    })
    return show(
      ctx.root,
      header,
      card(
        {
          title: 'Add your first site',
          sub: 'Register the domain you want to measure. You get a one-line snippet to paste into its pages.',
          class: 'card-narrow',
        },
        host,
      ),
    )
  }
  const next =
    added && sites.some((s) => s.id === added.id)
      ? card({ title: 'Next: paste the snippet', class: 'card-narrow' }, siteAdded(added))
      : null
  show(
    ctx.root,
    header,
    next,
    h(
      'ul',
      { class: 'site-grid', 'aria-label': 'Your sites' },
      sites.map((s, i) => siteCard(s, i < FIGURES_FOR)),
    ),
  )
}
