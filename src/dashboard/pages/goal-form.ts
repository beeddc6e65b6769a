/**
 * The new-goal form (`POST /api/sites/{id}/goals`): a name, the kind (an event name, or a page path with
 * optional `*` wildcards) and its value, with the site's event names offered as suggestions.
 * @module
 */
import { api } from '../api.js'
import type { El } from '../dom.js'
import { h, show, uid } from '../h.js'
import { icon } from '../icons.js'
import type { Goal } from '../types.js'
import { apiForm, field, formAlert } from '../ui.js'

/** `eventNames` (suggestions) may arrive after the form is shown. */
export function goalForm(
  siteId: string,
  eventNames: Promise<string[]>,
  done: (g: Goal) => void,
  cancel: () => void,
): El {
  const listId = uid('events')
  const name = field(
    'Name',
    h('input', { type: 'text', name: 'name', placeholder: 'Signup', maxlength: '120', autocomplete: 'off' }),
    'How the goal is listed. Left empty: the event name or path.',
  )
  const value = field(
    'Event name',
    h('input', {
      type: 'text',
      name: 'value',
      list: listId,
      placeholder: 'signup',
      autocomplete: 'off',
      spellcheck: 'false',
      required: true,
    }),
    'Exact and case-sensitive, as sent with hk.event() or /ingest/event.',
  )
  const label = value.wrap.querySelector('label')!
  const hint = value.wrap.querySelector('.field-hint')!
  const kinds = [
    { id: 'event', label: 'Event', text: 'A custom event is sent' },
    { id: 'path', label: 'Page path', text: 'A page is viewed' },
  ] as const
  let type: 'event' | 'path' = 'event'
  const radios = kinds.map((k) => {
    const input = h('input', { type: 'radio', name: 'type', value: k.id, id: uid('type'), checked: k.id === 'event' })
    input.addEventListener('change', () => {
      type = k.id
      label.textContent = k.id === 'event' ? 'Event name' : 'Page path'
      hint.textContent =
        k.id === 'event'
          ? 'Exact and case-sensitive, as sent with hk.event() or /ingest/event.'
          : 'Starts with /. Use * as a wildcard: /blog/* or /checkout/*/done.'
      value.input.placeholder = k.id === 'event' ? 'signup' : '/thank-you'
      if (k.id === 'event') value.input.setAttribute('list', listId)
      else value.input.removeAttribute('list')
    })
    return h(
      'label',
      { class: 'choice', for: input.id },
      input,
      h('span', { class: 'choice-body' }, h('strong', null, k.label), h('span', { class: 'muted small' }, k.text)),
    )
  })
  const datalist = h('datalist', { id: listId })
  // Suggestions only: without them the field still takes any name.
  eventNames.then(
    (names) =>
      show(
        datalist,
        names.map((n) => h('option', { value: n })),
      ),
    () => {},
  )
  const alert = formAlert()
  const submit = h('button', { class: 'btn btn-primary', type: 'submit' }, icon('plus'), h('span', null, 'Create goal'))
  const fields = { name, value }
  return apiForm(
    { submit, alert, fields },
    async () => {
      const v = value.input.value.trim()
      done(await api.createGoal(siteId, { name: name.input.value.trim() || v, type, value: v }))
    },
    alert,
    h(
      'fieldset',
      { class: 'field choices' },
      h('legend', { class: 'label' }, 'Goal type'),
      h('div', { class: 'choice-row' }, radios),
    ),
    value.wrap,
    datalist,
    name.wrap,
    h(
      'div',
      { class: 'form-actions' },
      h('button', { class: 'btn', type: 'button', onclick: cancel }, 'Cancel'),
      submit,
    ),
  )
}
