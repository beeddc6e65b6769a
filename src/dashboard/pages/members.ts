/**
 * Sharing a site (`/api/sites/{id}/members`). Owners see who has which role, change a role with a
 * selector, remove a member (after a confirmation) and share the site with an existing account (made
 * with `hitring user add`). Every member can leave the site (DELETE their own user id). The API's
 * refusals are shown next to the form, in plain words (../members.ts); a site always keeps one owner.
 * @module
 */
import { api, ApiError } from '../api.js'
import type { El, FieldEl } from '../dom.js'
import { h, show, type Kid } from '../h.js'
import { icon } from '../icons.js'
import { memberProblem, ROLE_NAME, ROLE_TEXT, ROLES, shareDone, splitCode } from '../members.js'
import { navigate } from '../router.js'
import { loadSites, state } from '../state.js'
import type { Member, Role } from '../types.js'
import {
  apiForm,
  busy,
  card,
  clearFormError,
  confirmDialog,
  errorBox,
  field,
  formAlert,
  showFormError,
  spinner,
  toast,
} from '../ui.js'
import type { SitePageContext } from './context.js'

/** A refusal in plain words, commands as code; undefined (the API's message) for anything else. */
const words = (err: unknown): Kid =>
  err instanceof ApiError
    ? splitCode(memberProblem(err.code, err.message)).map((part, i) => (i % 2 ? h('code', null, part) : part))
    : undefined

const roleSelect = (labels: Record<Role, string>): FieldEl =>
  h(
    'select',
    { class: 'select', name: 'role' },
    ROLES.map((r) => h('option', { value: r }, labels[r])),
  )

interface RowActions {
  role(m: Member, select: FieldEl): void
  remove(m: Member): void
}

function memberRow(m: Member, isMe: boolean, act: RowActions): El {
  const role = field('Role', roleSelect(ROLE_NAME))
  role.input.classList.add('select-sm')
  role.input.value = m.role
  role.input.addEventListener('change', () => act.role(m, role.input))
  // Seen: "Role"; heard: "Role of ana@example.com".
  role.wrap.querySelector('label')!.append(h('span', { class: 'sr-only' }, ` of ${m.email}`))
  return h(
    'li',
    { 'data-member': m.email },
    h(
      'p',
      { class: 'member-who' },
      h('span', { class: 'strong' }, m.email),
      isMe ? h('span', { class: 'badge badge-you' }, 'you') : null,
    ),
    h(
      'div',
      { class: 'member-do' },
      h('div', { class: 'inline-field' }, role.wrap),
      // Your own access is given up with "Leave this site" below, which says what it means.
      isMe
        ? h('span', { class: 'member-spacer', 'aria-hidden': 'true' })
        : h(
            'button',
            {
              class: 'btn-icon',
              type: 'button',
              'aria-label': `Remove ${m.email}`,
              title: 'Remove',
              onclick: () => act.remove(m),
            },
            icon('trash'),
          ),
    ),
  )
}

/** Owners only: the members, their roles, and the share form. */
export function membersCard(ctx: SitePageContext): El | null {
  if (ctx.site.role !== 'owner') return null
  const me = state.me?.id ?? ''
  const list = h('div', null, spinner())
  let members: Member[] = []
  const email = field(
    'E-mail',
    h('input', {
      type: 'email',
      name: 'email',
      placeholder: 'ana@example.com',
      autocomplete: 'off',
      spellcheck: 'false',
    }),
  )
  const role = field('Role', roleSelect(ROLE_TEXT))
  const alert = formAlert()
  const submit = h('button', { class: 'btn btn-primary', type: 'submit' }, icon('users'), h('span', null, 'Share'))
  const fields = { email, role }

  const load = async () => {
    try {
      const answer = await api.members(ctx.site.id)
      if (!ctx.alive()) return
      members = answer
      show(
        list,
        h(
          'ul',
          { class: 'members', 'aria-label': 'Members' },
          answer.map((m) =>
            memberRow(m, m.user_id === me, { role: (m, s) => void changeRole(m, s), remove: (m) => void remove(m) }),
          ),
        ),
        answer.length === 1 ? h('p', { class: 'muted small' }, 'Nobody else can see this site yet.') : null,
      )
    } catch (err) {
      if (ctx.alive())
        show(
          list,
          errorBox(err, () => void load()),
        )
    }
  }
  /** After your own role changed: the page as your new role sees it (no Members card below owner). */
  const reloadAsMe = async () => {
    await loadSites(true)
    ctx.reload()
  }

  const changeRole = async (m: Member, select: FieldEl) => {
    const to = select.value as Role
    const self = m.user_id === me
    const otherOwners = members.some((x) => x.role === 'owner' && x.user_id !== me)
    // The only owner is not asked: the API refuses (last_owner), and the card says why.
    if (self && to !== 'owner' && otherOwners) {
      const text =
        'You will no longer manage the members, the time zone or the deletion of this site. Another owner can ' +
        'make you owner again.'
      if (!(await confirmDialog(`Step down to ${ROLE_NAME[to].toLowerCase()}?`, text, 'Step down')))
        return void (select.value = m.role)
    }
    clearFormError(alert, fields)
    await busy(select, async () => {
      try {
        const changed = await api.setMember(ctx.site.id, m.email, to)
        toast(shareDone(members, changed))
        if (self) return await reloadAsMe()
      } catch (err) {
        select.value = m.role
        showFormError(alert, err, {}, words(err))
      }
      await load()
    })
  }

  const remove = async (m: Member) => {
    if (
      !(await confirmDialog(
        `Remove ${m.email}?`,
        'They lose access to this site at once, and their API tokens stop working on it. You can share it with ' +
          'them again.',
        'Remove member',
      ))
    )
      return
    clearFormError(alert, fields)
    try {
      await api.removeMember(ctx.site.id, m.user_id)
      toast(`${m.email} removed`)
    } catch (err) {
      showFormError(alert, err, {}, words(err))
    }
    // Either way the list shows the truth (an unknown_member was already gone).
    await load()
  }

  void load()
  const f = apiForm(
    { submit, alert, fields, explain: words },
    async () => {
      const added = await api.setMember(ctx.site.id, email.input.value.trim(), role.input.value as Role)
      toast(shareDone(members, added))
      email.input.value = ''
      if (added.user_id === me) return await reloadAsMe()
      await load()
    },
    alert,
    h('h3', { class: 'form-title' }, 'Share with an existing account'),
    h('div', { class: 'inline-form' }, email.wrap, role.wrap, submit),
    h(
      'p',
      { class: 'muted small form-note' },
      'Accounts are created on the server with ',
      h('code', null, 'hitring user add'),
      '. Sharing again with someone changes their role.',
    ),
  )
  return card({ title: 'Members', sub: 'Who can see this site, and what they may change.' }, list, f)
}

/** Every member: give up your own role on the site, then back to the sites list. */
export function leaveCard(ctx: SitePageContext): El {
  const alert = formAlert()
  const button = h(
    'button',
    { class: 'btn', type: 'button', 'data-action': 'leave' },
    icon('logout'),
    h('span', null, 'Leave this site'),
  )
  const leave = async () => {
    const text =
      'It disappears from your sites, and your API tokens stop working on it. An owner can share it with you again.'
    if (!(await confirmDialog(`Leave ${ctx.site.domain}?`, text, 'Leave site'))) return
    clearFormError(alert)
    await busy(button, async () => {
      try {
        await api.removeMember(ctx.site.id, state.me?.id ?? '')
      } catch (err) {
        return showFormError(alert, err, {}, words(err))
      }
      // The site switcher must not offer it any more; if the list cannot be read now, the sites page says so.
      await loadSites(true).catch(() => (state.sites = null))
      toast(`You left ${ctx.site.domain}`)
      navigate('/')
    })
  }
  button.addEventListener('click', () => void leave())
  return card(
    { title: 'Your access', sub: `You are ${ROLE_NAME[ctx.site.role].toLowerCase()} of this site.` },
    alert,
    h(
      'div',
      { class: 'danger-row' },
      h(
        'p',
        { class: 'muted' },
        'Leaving removes your role on this site.',
        ctx.site.role === 'owner' ? ' A site needs at least one owner: make someone else owner first.' : null,
      ),
      button,
    ),
  )
}
