/**
 * Small building blocks shared by the pages: cards, empty states, API error boxes, form fields with
 * visible labels and per-field errors, toasts, a confirmation dialog and a copy button.
 * @module
 */
import { ApiError } from './api.js'
import { doc, win, type DialogEl, type El, type FieldEl, type FormEl } from './dom.js'
import { h, show, uid, type Kid } from './h.js'
import { icon, type IconName } from './icons.js'

export function card(
  opts: { title?: Kid; sub?: Kid; actions?: Kid; class?: string; labelId?: string },
  ...body: Kid[]
): El {
  const id = opts.labelId ?? uid('card')
  const titles = h(
    'div',
    null,
    opts.title ? h('h2', { class: 'card-title', id }, opts.title) : null,
    opts.sub ? h('p', { class: 'card-sub' }, opts.sub) : null,
  )
  const head =
    opts.title || opts.actions
      ? h(
          'div',
          { class: 'card-head' },
          titles,
          opts.actions ? h('div', { class: 'card-actions' }, opts.actions) : null,
        )
      : null
  return h(
    'section',
    { class: `card ${opts.class ?? ''}`, 'aria-labelledby': opts.title ? id : undefined },
    head,
    ...body,
  )
}

export function empty(iconName: IconName, title: string, text: Kid, ...actions: Kid[]): El {
  return h(
    'div',
    { class: 'empty' },
    h('div', { class: 'empty-icon' }, icon(iconName)),
    h('p', { class: 'empty-title' }, title),
    h('div', { class: 'empty-text' }, text),
    actions.length ? h('div', { class: 'empty-actions' }, ...actions) : null,
  )
}

/** What went wrong, in the API's words, with a way to try again. Never swallowed. */
export function errorBox(err: unknown, retry?: () => void): El {
  const message = err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err)
  const code = err instanceof ApiError ? err.code : undefined
  return h(
    'div',
    { class: 'alert alert-error', role: 'alert' },
    icon('alert'),
    h(
      'div',
      { class: 'alert-body' },
      h('strong', null, 'Could not load this. '),
      message,
      code ? h('span', { class: 'alert-code' }, ` (${code})`) : null,
    ),
    retry ? h('button', { class: 'btn btn-sm', type: 'button', onclick: retry }, 'Try again') : null,
  )
}

export const spinner = (label = 'Loading…'): El =>
  h(
    'div',
    { class: 'loading', role: 'status' },
    h('span', { class: 'spin', 'aria-hidden': 'true' }),
    h('span', null, label),
  )
export const skeleton = (cls = ''): El => h('div', { class: `skeleton ${cls}`, 'aria-hidden': 'true' })

export interface Field {
  wrap: El
  input: FieldEl
  error: El
}

/** A label above its control, an optional hint, and a slot for the API's message about this field. */
export function field(label: string, input: FieldEl, hint?: Kid): Field {
  const id = input.id || (input.id = uid('f'))
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true })
  const hintEl = hint ? h('p', { class: 'field-hint', id: `${id}-hint` }, hint) : null
  input.setAttribute('aria-describedby', [hintEl ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' '))
  return {
    wrap: h('div', { class: 'field' }, h('label', { class: 'label', for: id }, label), input, hintEl, error),
    input,
    error,
  }
}

/**
 * Shows an error under a form, in the API's words: next to each field it names (if that field is here),
 * and in the form's alert for the rest — or in `words`, when the page says it better for a person (the
 * members card). An error wholly shown next to its fields is not repeated in the alert (the API's
 * message restates the first field's: `password: must be at least 8 characters`); the named field
 * takes the focus, and its error is read with it (aria-describedby).
 */
export function showFormError(alertEl: El, err: unknown, fields: Record<string, Field> = {}, words?: Kid): void {
  for (const f of Object.values(fields)) {
    f.error.hidden = true
    f.input.removeAttribute('aria-invalid')
  }
  const issues = err instanceof ApiError ? (err.body.fields ?? []) : []
  let shownAtFields = 0
  for (const issue of issues) {
    const f = fields[issue.field] ?? fields[issue.field.split('.')[0]!]
    if (!f) continue
    show(f.error, issue.message)
    f.error.hidden = false
    f.input.setAttribute('aria-invalid', 'true')
    shownAtFields++
  }
  const message = err instanceof Error ? err.message : String(err)
  show(alertEl, icon('alert'), h('span', null, words ?? message))
  alertEl.hidden = words === undefined && issues.length > 0 && shownAtFields === issues.length
  const named =
    err instanceof ApiError && err.body.field
      ? (fields[err.body.field] ?? fields[err.body.field.split('.')[0]!])
      : undefined
  named?.input.focus()
}

export function clearFormError(alertEl: El, fields: Record<string, Field> = {}): void {
  alertEl.hidden = true
  for (const f of Object.values(fields)) {
    f.error.hidden = true
    f.input.removeAttribute('aria-invalid')
  }
}

export const formAlert = (): El => h('div', { class: 'alert alert-error form-alert', role: 'alert', hidden: true })

/** Disables a submit button while `work` runs. */
export async function busy<T>(button: FieldEl, work: () => Promise<T>): Promise<T> {
  button.disabled = true
  button.classList.add('is-busy')
  try {
    return await work()
  } finally {
    button.disabled = false
    button.classList.remove('is-busy')
  }
}

let toastHost: El | null = null
export function toast(message: string, tone: 'ok' | 'error' = 'ok'): void {
  if (!toastHost?.isConnected)
    doc.body.append((toastHost = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' })))
  const t = h(
    'div',
    { class: `toast toast-${tone}` },
    icon(tone === 'ok' ? 'check' : 'alert'),
    h('span', null, message),
  )
  toastHost.append(t)
  win.setTimeout(() => t.classList.add('toast-out'), 2600)
  win.setTimeout(() => t.remove(), 3000)
}

/** A modal dialog (native `<dialog>`: focus kept inside, Escape closes). Removed from the page when closed. */
export function dialog(
  title: string,
  body: (close: () => void) => Kid,
  opts: { wide?: boolean } = {},
): { el: DialogEl; close: () => void } {
  const titleId = uid('dlg')
  const el = h('dialog', { class: `dialog ${opts.wide ? 'dialog-wide' : ''}`, 'aria-labelledby': titleId })
  const close = () => el.close()
  el.addEventListener('close', () => el.remove())
  el.addEventListener('click', (e) => {
    if (e.target === el) close() // a click on the backdrop
  })
  el.append(
    h(
      'div',
      { class: 'dialog-head' },
      h('h2', { id: titleId }, title),
      h('button', { class: 'btn-icon', type: 'button', 'aria-label': 'Close', onclick: close }, icon('x')),
    ),
    h('div', { class: 'dialog-body' }, body(close)),
  )
  doc.body.append(el)
  el.showModal()
  return { el, close }
}

export function confirmDialog(title: string, text: Kid, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    let ok = false
    const { el } = dialog(title, (close) => {
      const yes = h(
        'button',
        {
          class: 'btn btn-danger',
          type: 'button',
          onclick: () => {
            ok = true
            close()
          },
        },
        confirmLabel,
      )
      win.setTimeout(() => yes.focus(), 0)
      return [
        h('div', { class: 'dialog-text' }, text),
        h(
          'div',
          { class: 'form-actions' },
          h('button', { class: 'btn', type: 'button', onclick: close }, 'Cancel'),
          yes,
        ),
      ]
    })
    el.addEventListener('close', () => resolve(ok))
  })
}

/** Copies `text`; the button says so (and a toast, for screen readers). */
export function copyButton(text: () => string, label = 'Copy'): FieldEl {
  const btn = h('button', { class: 'btn btn-sm btn-copy', type: 'button' }, icon('copy'), h('span', null, label))
  btn.addEventListener('click', async () => {
    try {
      await copyText(text())
      show(btn, icon('check'), h('span', null, 'Copied'))
      toast('Copied to the clipboard')
      win.setTimeout(() => show(btn, icon('copy'), h('span', null, label)), 1800)
    } catch (err) {
      toast(`Could not copy: ${(err as Error).message}. Select the text and copy it by hand.`, 'error')
    }
  })
  return btn
}

async function copyText(text: string): Promise<void> {
  if (win.navigator.clipboard) return win.navigator.clipboard.writeText(text)
  // Plain-http pages (a LAN address) have no async clipboard: the old selection route still works there.
  const area = h('textarea', { class: 'sr-only', readonly: true, 'aria-hidden': 'true' })
  area.value = text
  doc.body.append(area)
  area.select()
  const ok = doc.execCommand('copy')
  area.remove()
  if (!ok) throw new Error('the browser refused')
}

/**
 * A form whose submission runs `action` with `submit` busy: the previous errors are cleared first, and a
 * failure is shown in `alert` and next to its `fields` — worded by `explain` when given — then handed
 * to `onError` for anything more.
 */
export function apiForm(
  o: {
    submit: FieldEl
    alert: El
    fields?: Record<string, Field>
    explain?: (err: unknown) => Kid
    onError?: (err: unknown) => void
  },
  action: () => Promise<unknown>,
  ...body: Kid[]
): FormEl {
  return form(
    () =>
      void busy(o.submit, async () => {
        clearFormError(o.alert, o.fields)
        try {
          await action()
        } catch (err) {
          showFormError(o.alert, err, o.fields, o.explain?.(err))
          o.onError?.(err)
        }
      }),
    ...body,
  )
}

export function form(onSubmit: (f: FormEl) => void, ...body: Kid[]): FormEl {
  const f = h('form', { novalidate: true }, ...body)
  f.addEventListener('submit', (e) => {
    e.preventDefault()
    onSubmit(f)
  })
  return f
}
