/**
 * Signing in (`POST /api/login`) and the first run (`POST /api/initial-user`: the first account, which
 * owns every site of the server, signed in at once). The first run needs the one-time token of the set-up
 * link that only the server's operator sees (`/setup?token=…`, in its start-up log or from
 * `hitring setup-url`); without it, the page says where to find it.
 * @module
 */
import { api, ApiError } from '../api.js'
import { doc, type El } from '../dom.js'
import { h, type Kid } from '../h.js'
import { icon } from '../icons.js'
import { param } from '../range.js'
import { href, matchRoute, navigate } from '../router.js'
import { loadMe, state } from '../state.js'
import { apiForm, field, formAlert } from '../ui.js'
import type { PageContext } from './context.js'

function authCard(title: string, lead: string, body: El, foot?: El): El {
  return h(
    'div',
    { class: 'auth' },
    h(
      'main',
      { class: 'auth-card', id: 'content' },
      h('div', { class: 'auth-brand' }, icon('logo', 'icon logo'), h('span', null, 'hitring')),
      h('h1', null, title),
      h('p', { class: 'muted' }, lead),
      body,
      foot,
    ),
  )
}

/** Where to go after signing in: the `next` page if it is one of ours, else the sites. */
function nextPath(search: string): string {
  const next = param(search, 'next')
  return next?.startsWith('/') && !next.startsWith('//') && matchRoute(next.split('?')[0]!).name !== 'notFound'
    ? next
    : '/'
}

export function loginPage(ctx: PageContext): El {
  const email = field(
    'E-mail',
    h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, autofocus: true }),
  )
  const password = field(
    'Password',
    h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true }),
  )
  const remember = h('input', { type: 'checkbox', id: 'remember', name: 'remember' })
  const alert = formAlert()
  const submit = h('button', { class: 'btn btn-primary btn-block', type: 'submit' }, 'Sign in')
  const fields = { email, password }
  const onError = (err: unknown) => {
    if (err instanceof ApiError && err.code === 'invalid_credentials') password.input.select()
  }
  const f = apiForm(
    { submit, alert, fields, onError },
    async () => {
      await api.login(email.input.value.trim(), password.input.value, remember.checked)
      await loadMe()
      navigate(nextPath(ctx.search), { replace: true })
    },
    alert,
    email.wrap,
    password.wrap,
    h('div', { class: 'check' }, remember, h('label', { for: 'remember' }, 'Keep me signed in on this device')),
    submit,
  )
  doc.title = 'Sign in · hitring'
  const foot = state.setupNeeded
    ? h('p', { class: 'auth-foot' }, 'First run? ', h('a', { href: href('/setup') }, 'Create the first account'))
    : undefined
  return authCard('Sign in', 'Your privacy-first analytics, on your own server.', f, foot)
}

/** `/setup`, keeping the set-up token of `search` (the link may have been opened at another path). */
export function setupPath(search: string): string {
  const token = param(search, 'token')
  return token ? `/setup?token=${encodeURIComponent(token)}` : '/setup'
}

/** Where a set-up link comes from, after `lead` (why this page cannot create the account as it is). */
const setupHelp = (lead: string): Kid[] => [
  lead,
  ' Open the link the server printed in its log at start (the line beginning with ',
  h('code', null, 'dashboard:'),
  '), or run ',
  h('code', null, 'npx hitring setup-url'),
  ' on the server for a new one.',
]

export function setupPage(ctx: PageContext): El {
  doc.title = 'Set up · hitring'
  const token = param(ctx.search, 'token')
  const foot = h('p', { class: 'auth-foot' }, 'Cookie-less, privacy-first analytics: nothing personal is ever stored.')
  if (!token) {
    const help = h(
      'div',
      { class: 'alert alert-warn', role: 'status' },
      icon('alert'),
      h('p', { class: 'alert-body' }, setupHelp('Creating the first account needs the one-time set-up link.')),
    )
    return authCard('Welcome to hitring', 'Create the first account: it owns every site on this server.', help, foot)
  }
  const email = field(
    'E-mail',
    h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, autofocus: true }),
  )
  const password = field(
    'Password',
    h('input', { type: 'password', name: 'password', autocomplete: 'new-password', required: true, minlength: '8' }),
    'At least 8 characters.',
  )
  const alert = formAlert()
  const submit = h('button', { class: 'btn btn-primary btn-block', type: 'submit' }, 'Create account')
  const fields = { email, password }
  const onError = (err: unknown) => {
    if (err instanceof ApiError && err.code === 'setup_complete') {
      state.setupNeeded = false
      alert.append(h('a', { href: href('/login') }, 'Sign in instead'))
    }
  }
  const explain = (err: unknown) =>
    err instanceof ApiError && err.code === 'invalid_setup_token'
      ? setupHelp('This set-up link is wrong or no longer valid.')
      : undefined
  const f = apiForm(
    { submit, alert, fields, onError, explain },
    async () => {
      await api.initialUser(email.input.value.trim(), password.input.value, token)
      state.setupNeeded = false
      await loadMe()
      navigate('/', { replace: true })
    },
    alert,
    email.wrap,
    password.wrap,
    submit,
  )
  return authCard('Welcome to hitring', 'Create the first account: it owns every site on this server.', f, foot)
}
