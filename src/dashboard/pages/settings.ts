/**
 * A site's settings: the snippet, the reporting time zone (owner), exclusions (editor), the members
 * (owner), API clients (the signed-in user's; a new token is shown once), leaving the site (any member)
 * and deleting it (owner).
 * @module
 */
import { api } from '../api.js'
import type { El } from '../dom.js'
import { h, show, type Kid } from '../h.js'
import { icon } from '../icons.js'
import { navigate } from '../router.js'
import { loadSites } from '../state.js'
import { codeBlock, snippet } from '../snippet.js'
import {
  apiForm,
  busy,
  card,
  clearFormError,
  confirmDialog,
  errorBox,
  field,
  form,
  formAlert,
  showFormError,
  spinner,
  toast,
} from '../ui.js'
import { curlText, siteHeading } from './common.js'
import type { SitePageContext } from './context.js'
import { apiClientsCard, day } from './api-clients.js'
import { leaveCard, membersCard } from './members.js'
import { zoneSelect } from './site-form.js'

function zoneCard(ctx: SitePageContext): El {
  const isOwner = ctx.site.role === 'owner'
  const zone = field(
    'Reporting time zone',
    zoneSelect(ctx.site.timezone),
    'Days, weeks and months of every report start at midnight in this zone. Changing it rebuilds the day and ' +
      'month figures from the stored events.',
  )
  zone.input.disabled = !isOwner
  const alert = formAlert()
  const submit = h('button', { class: 'btn btn-primary', type: 'submit', disabled: !isOwner }, 'Save time zone')
  const f = apiForm(
    { submit, alert, fields: { timezone: zone } },
    async () => {
      const site = await api.updateSite(ctx.site.id, zone.input.value)
      await loadSites(true)
      toast(`Reports now use ${site.timezone}`)
      ctx.reload()
    },
    alert,
    zone.wrap,
    isOwner ? null : h('p', { class: 'muted small' }, 'Only the site’s owner can change it.'),
    h('div', { class: 'form-actions' }, submit),
  )
  return card({ title: 'Time zone', sub: `Now: ${ctx.site.timezone}` }, f)
}

type ListKey = 'excluded_ips' | 'allowed_hostnames'

function exclusionList(
  ctx: SitePageContext,
  key: ListKey,
  entries: string[],
  canEdit: boolean,
  refresh: () => void,
): El {
  const label = key === 'excluded_ips' ? 'IP address or network (CIDR)' : 'Hostname'
  const input = field(
    label,
    h('input', {
      type: 'text',
      name: key,
      placeholder: key === 'excluded_ips' ? '203.0.113.7 or 203.0.113.0/24' : 'example.com or *.example.com',
      autocomplete: 'off',
      spellcheck: 'false',
      disabled: !canEdit,
    }),
  )
  const alert = formAlert()
  const add = h('button', { class: 'btn', type: 'submit', disabled: !canEdit }, icon('plus'), h('span', null, 'Add'))
  const change = async (remove: boolean, values: string[]) => {
    clearFormError(alert, { [key]: input })
    try {
      await (remove ? api.removeExclusions : api.addExclusions)(ctx.site.id, { [key]: values })
      toast(remove ? `Removed ${values[0]}` : `Added ${values.join(', ')}`)
      refresh()
    } catch (err) {
      showFormError(alert, err, { [key]: input, [`${key}.0`]: input })
    }
  }
  return h(
    'div',
    { class: 'exclusion' },
    entries.length
      ? h(
          'ul',
          { class: 'entries', 'aria-label': key === 'excluded_ips' ? 'Excluded addresses' : 'Allowed hostnames' },
          entries.map((e) =>
            h(
              'li',
              null,
              h('code', null, e),
              canEdit
                ? h(
                    'button',
                    {
                      class: 'btn-icon',
                      type: 'button',
                      'aria-label': `Remove ${e}`,
                      onclick: () => void change(true, [e]),
                    },
                    icon('x'),
                  )
                : null,
            ),
          ),
        )
      : h(
          'p',
          { class: 'muted small' },
          key === 'excluded_ips' ? 'No address is excluded.' : 'Every hostname counts (no allow-list).',
        ),
    form(
      () => void busy(add, () => change(false, input.input.value.split(/[\s,]+/).filter(Boolean))),
      alert,
      h('div', { class: 'inline-form' }, input.wrap, add),
    ),
  )
}

function exclusionsCard(ctx: SitePageContext): El {
  const body = h('div', null, spinner())
  const canEdit = ctx.site.role !== 'viewer'
  const load = () =>
    api.exclusions(ctx.site.id).then(
      (ex) =>
        ctx.alive() &&
        show(
          body,
          h(
            'div',
            { class: 'grid-2 grid-flat' },
            h(
              'section',
              null,
              h('h3', null, 'Excluded IP addresses'),
              h(
                'p',
                { class: 'muted small' },
                'Events from these addresses are dropped (your office, your own visits).',
              ),
              exclusionList(ctx, 'excluded_ips', ex.excluded_ips, canEdit, load),
            ),
            h(
              'section',
              null,
              h('h3', null, 'Allowed hostnames'),
              h(
                'p',
                { class: 'muted small' },
                'When set, only pages on these hostnames count (staging and copies do not).',
              ),
              exclusionList(ctx, 'allowed_hostnames', ex.allowed_hostnames, canEdit, load),
            ),
          ),
          h('p', { class: 'muted small' }, 'Changes apply to new events within a few seconds.'),
        ),
      (err) => ctx.alive() && show(body, errorBox(err, load)),
    )
  void load()
  return card({ title: 'Exclusions', sub: canEdit ? undefined : 'Only editors and owners can change them.' }, body)
}

function factsCard(ctx: SitePageContext): El {
  const facts: [string, Kid][] = [
    ['Domain', ctx.site.domain],
    ['Site id', h('code', { 'data-site-id': ctx.site.id }, ctx.site.id)],
    ['Your role', ctx.site.role],
    ['Added', day(ctx.site.created_at)],
  ]
  return card(
    { title: 'Site', sub: 'What the API calls it' },
    h(
      'dl',
      { class: 'facts' },
      facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
    ),
  )
}

function dangerCard(ctx: SitePageContext): El | null {
  if (ctx.site.role !== 'owner') return null
  const del = async () => {
    if (
      !(await confirmDialog(
        `Delete ${ctx.site.domain}?`,
        'Every event, goal and figure of this site is deleted for good. The snippet on its pages stops counting.',
        'Delete site',
      ))
    )
      return
    try {
      await api.deleteSite(ctx.site.id)
      await loadSites(true)
      toast(`${ctx.site.domain} deleted`)
      navigate('/')
    } catch (err) {
      toast(`Could not delete: ${(err as Error).message}`, 'error')
    }
  }
  return card(
    { title: 'Delete this site', class: 'card-danger' },
    h(
      'div',
      { class: 'danger-row' },
      h('p', { class: 'muted' }, 'Removes the site and everything stored about it. This cannot be undone.'),
      h(
        'button',
        { class: 'btn btn-danger', type: 'button', onclick: () => void del() },
        icon('trash'),
        h('span', null, 'Delete site'),
      ),
    ),
  )
}

export function settingsPage(ctx: SitePageContext): void {
  try {
    show(
      ctx.root,
      siteHeading(ctx, 'Settings', ctx.site.domain, null),
      card(
        { title: 'Tracking snippet', sub: 'Share it with whoever edits the site’s pages.' },
        snippet(),
        h(
          'details',
          { class: 'more' },
          h('summary', null, 'Send events from your server'),
          codeBlock(curlText(ctx.site), 'Server-side event'),
        ),
      ),
      h('div', { class: 'grid-2' }, zoneCard(ctx), factsCard(ctx)),
      exclusionsCard(ctx),
      membersCard(ctx),
      apiClientsCard(ctx),
      leaveCard(ctx),
      dangerCard(ctx),
    )
  } catch (err) {
    show(ctx.root, errorBox(err, ctx.reload))
  }
}
