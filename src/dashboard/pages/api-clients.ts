/**
 * API clients (`/api/user/api-clients`): tokens for scripts and servers, each limited to roles on sites.
 * Creating one shows its token once — the server keeps only a hash.
 * @module
 */
import { api } from '../api.js'
import type { El } from '../dom.js'
import { h, show } from '../h.js'
import { icon } from '../icons.js'
import type { ApiClient, Role } from '../types.js'
import { apiForm, card, confirmDialog, copyButton, errorBox, field, formAlert, spinner, toast } from '../ui.js'
import type { SitePageContext } from './context.js'

const ROLES: Role[] = ['viewer', 'editor', 'owner']
export const day = (iso: string): string => new Date(iso).toLocaleDateString('en-US', { dateStyle: 'medium' })
const ROLE_TEXT: Record<Role, string> = {
  viewer: 'Viewer: read figures',
  editor: 'Editor: also goals and exclusions',
  owner: 'Owner: also the time zone',
}

function tokenBox(token: string, name: string): El {
  return h(
    'div',
    { class: 'token-box', role: 'status' },
    h('p', { class: 'strong' }, icon('key'), ` Token of “${name}”`),
    h(
      'div',
      { class: 'code-block' },
      h('pre', { class: 'code', tabindex: '0', 'aria-label': 'New API token' }, h('code', { 'data-token': '' }, token)),
      copyButton(() => token),
    ),
    h(
      'p',
      { class: 'small warn-text' },
      'Copy it now: it is shown only this once. Send it as ',
      h('code', null, 'Authorization: Bearer …'),
      '.',
    ),
  )
}

export function apiClientsCard(ctx: SitePageContext): El {
  const list = h('div', null, spinner())
  const created = h('div')
  const allowed = ROLES.slice(0, ROLES.indexOf(ctx.site.role) + 1)
  const name = field(
    'Name',
    h('input', { type: 'text', name: 'name', placeholder: 'Nightly export', maxlength: '120', autocomplete: 'off' }),
  )
  const role = field(
    'Role on this site',
    h(
      'select',
      { class: 'select', name: 'role' },
      allowed.map((r) => h('option', { value: r }, ROLE_TEXT[r])),
    ),
  )
  const alert = formAlert()
  const submit = h('button', { class: 'btn btn-primary', type: 'submit' }, icon('key'), h('span', null, 'Create token'))
  const fields = { name, site_roles: role }

  const remove = async (c: ApiClient) => {
    if (
      !(await confirmDialog(`Delete the API client “${c.name}”?`, 'Its token stops working at once.', 'Delete client'))
    )
      return
    try {
      await api.deleteApiClient(c.id)
      toast(`API client “${c.name}” deleted`)
      void load()
    } catch (err) {
      toast(`Could not delete: ${(err as Error).message}`, 'error')
    }
  }
  const load = async () => {
    try {
      const clients = await api.apiClients()
      if (!ctx.alive()) return
      const here = clients.filter((c) => c.site_roles.some((g) => g.site_id === ctx.site.id))
      const elsewhere = clients.length - here.length
      show(
        list,
        here.length === 0
          ? h('p', { class: 'muted small' }, 'No API client can read this site yet.')
          : h(
              'ul',
              { class: 'clients' },
              here.map((c) =>
                h(
                  'li',
                  null,
                  h(
                    'div',
                    null,
                    h('p', { class: 'strong' }, c.name),
                    h(
                      'p',
                      { class: 'muted small' },
                      `${c.site_roles.find((g) => g.site_id === ctx.site.id)!.role} · created ${day(c.created_at)}`,
                    ),
                  ),
                  h(
                    'button',
                    {
                      class: 'btn btn-sm',
                      type: 'button',
                      onclick: () => void remove(c),
                      'aria-label': `Delete the API client ${c.name}`,
                    },
                    icon('trash'),
                    h('span', null, 'Delete'),
                  ),
                ),
              ),
            ),
        elsewhere
          ? h(
              'p',
              { class: 'muted small' },
              `You have ${elsewhere} more API client${elsewhere === 1 ? '' : 's'} for other sites.`,
            )
          : null,
      )
    } catch (err) {
      if (ctx.alive())
        show(
          list,
          errorBox(err, () => void load()),
        )
    }
  }
  void load()
  const f = apiForm(
    { submit, alert, fields },
    async () => {
      const r = await api.createApiClient(name.input.value.trim(), [
        { site_id: ctx.site.id, role: role.input.value as Role },
      ])
      show(created, tokenBox(r.token, r.client.name))
      name.input.value = ''
      void load()
    },
    alert,
    h('div', { class: 'inline-form' }, name.wrap, role.wrap, submit),
    h('p', { class: 'muted small form-note' }, 'A token can never do more than you can on the site.'),
  )
  return card(
    {
      title: 'API clients',
      sub: 'Tokens for scripts and servers: the same REST API this dashboard uses (GET /api/openapi.json).',
    },
    list,
    f,
    created,
  )
}
