/**
 * Signing in (`POST /api/login`) and the first run (`POST /api/initial-user`: the first account, which
 * owns every site of the server, signed in at once).
 * @module
 */
import { api, ApiError } from '../api.js'
import { doc, type El } from '../dom.js'
import { h } from '../h.js'
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
  return next && next.startsWith('/') && !next.startsWith('//') && matchRoute(next.split('?')[0]!).name !== 'notFound' ? next : '/'
}

export function loginPage(ctx: PageContext): El {
  const email = field('E-mail', h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, autofocus: true }))
  const password = field('Password', h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true }))
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
  const foot = state.setupNeeded ? h('p', { class: 'auth-foot' }, 'First run? ', h('a', { href: href('/setup') }, 'Create the first account')) : undefined
  return authCard('Sign in', 'Your privacy-first analytics, on your own server.', f, foot)
}

export function setupPage(_ctx: PageContext): El {
  const email = field('E-mail', h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, autofocus: true }))
  const password = field('Password', h('input', { type: 'password', name: 'password', autocomplete: 'new-password', required: true, minlength: '8' }), 'At least 8 characters.')
  const alert = formAlert()
  const submit = h('button', { class: 'btn btn-primary btn-block', type: 'submit' }, 'Create account')
  const fields = { email, password }
  const onError = (err: unknown) => {
    if (err instanceof ApiError && err.code === 'setup_complete') {
      state.setupNeeded = false
      alert.append(h('a', { href: href('/login') }, 'Sign in instead'))
    }
  }
  const f = apiForm(
    { submit, alert, fields, onError },
    async () => {
      await api.initialUser(email.input.value.trim(), password.input.value)
      state.setupNeeded = false
      await loadMe()
      navigate('/', { replace: true })
    },
    alert,
    email.wrap,
    password.wrap,
    submit,
  )
  doc.title = 'Set up · hitring'
  return authCard(
    'Welcome to hitring',
    'Create the first account: it owns every site on this server.',
    f,
    h('p', { class: 'auth-foot' }, 'Cookie-less, privacy-first analytics: nothing personal is ever stored.'),
  )
}
