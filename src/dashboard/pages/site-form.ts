/**
 * Adding a site (`POST /api/sites`), then the snippet to paste — the first thing a new owner needs.
 * Also the time-zone field, shared with the settings page.
 * @module
 */
import { api } from '../api.js'
import type { El, FieldEl } from '../dom.js'
import { h, show } from '../h.js'
import { icon } from '../icons.js'
import { href, sitePath } from '../router.js'
import { loadSites } from '../state.js'
import { snippet } from '../snippet.js'
import type { Site } from '../types.js'
import { apiForm, field, formAlert, toast } from '../ui.js'

export const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'

/** A select of every IANA zone this browser knows (the server checks the name again). */
export function zoneSelect(selected: string): FieldEl {
  let zones: string[]
  try {
    zones = Intl.supportedValuesOf('timeZone')
  } catch {
    zones = []
  }
  const all = ['UTC', ...zones.filter((z) => z !== 'UTC')]
  if (!all.includes(selected)) all.unshift(selected)
  const select = h(
    'select',
    { class: 'select', name: 'timezone' },
    all.map((z) => h('option', { value: z }, z.replace(/_/g, ' '))),
  )
  select.value = selected
  return select
}

/** The form; `done` gets the new site once it exists. */
export function addSiteForm(done: (site: Site) => void, onCancel?: () => void): El {
  const domain = field(
    'Domain',
    h('input', {
      type: 'text',
      name: 'domain',
      placeholder: 'example.com',
      autocomplete: 'off',
      spellcheck: 'false',
      required: true,
    }),
    'The bare domain: no https://, no path. www. is dropped.',
  )
  const zone = field(
    'Time zone of the reports',
    zoneSelect(browserZone()),
    'Days and months start at midnight in this zone. You can change it later.',
  )
  const alert = formAlert()
  const submit = h('button', { class: 'btn btn-primary', type: 'submit' }, icon('plus'), h('span', null, 'Add site'))
  const fields = { domain, timezone: zone }
  return apiForm(
    { submit, alert, fields },
    async () => {
      const site = await api.createSite(domain.input.value.trim(), zone.input.value)
      await loadSites(true)
      done(site)
    },
    alert,
    domain.wrap,
    zone.wrap,
    h(
      'div',
      { class: 'form-actions' },
      onCancel ? h('button', { class: 'btn', type: 'button', onclick: onCancel }, 'Cancel') : null,
      submit,
    ),
  )
}

/** After adding: the snippet, and the way to the new site's dashboard. */
export function siteAdded(site: Site, close?: () => void): El {
  return h(
    'div',
    { class: 'site-added' },
    h(
      'div',
      { class: 'success-head' },
      h('span', { class: 'success-icon' }, icon('check')),
      h(
        'div',
        null,
        h('p', { class: 'strong' }, `${site.domain} is ready`),
        h('p', { class: 'muted small' }, 'Paste this snippet into your site, then open its dashboard.'),
      ),
    ),
    snippet(),
    h(
      'div',
      { class: 'form-actions' },
      close ? h('button', { class: 'btn', type: 'button', onclick: close }, 'Done') : null,
      h(
        'a',
        { class: 'btn btn-primary', href: href(sitePath(site.id)), onclick: () => close?.() },
        'Open dashboard',
        icon('chevronRight'),
      ),
    ),
  )
}

/** The add-site flow inside any container: the form, then the snippet. */
export function addSiteFlow(host: El, opts: { close?: () => void; onAdded?: (s: Site) => void } = {}): void {
  show(
    host,
    addSiteForm((site) => {
      toast(`${site.domain} added`)
      show(host, siteAdded(site, opts.close))
      opts.onAdded?.(site)
    }, opts.close),
  )
}
