/**
 * The dashboard's whole view layer: `h()` builds an element, and that is all. Pages build their DOM once
 * and replace the parts whose data changed; text always goes through text nodes (never markup), so
 * nothing from the API or the URL can inject HTML.
 *
 * @example
 * ```ts
 * h('button', { class: 'btn', type: 'button', onclick: save }, 'Save')
 * h('input', { id: 'domain', value: site.domain, required: true })   // → FieldEl
 * ```
 * @module
 */
import { doc, type AnchorEl, type Child, type DialogEl, type El, type FieldEl, type FormEl } from './dom.js'

interface Tags {
  input: FieldEl
  select: FieldEl
  textarea: FieldEl
  button: FieldEl
  option: FieldEl
  form: FormEl
  dialog: DialogEl
  a: AnchorEl
}
type ElOf<K extends string> = K extends keyof Tags ? Tags[K] : El

export type Props = Record<string, unknown>
export type Kid = Child | null | undefined | false | Kid[]

/** Properties set as DOM properties (live state), not attributes. */
const PROPS = new Set([
  'value',
  'checked',
  'disabled',
  'selected',
  'hidden',
  'textContent',
  'readOnly',
  'required',
  'tabIndex',
])

export function h<K extends string>(tag: K, props?: Props | null, ...kids: Kid[]): ElOf<K> {
  const el = doc.createElement(tag)
  if (props) apply(el, props)
  add(el, kids)
  return el as ElOf<K>
}

export function apply(el: El, props: Props): void {
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as () => void)
    else if (k === 'class') el.className = String(v)
    // Through the CSSOM: the Content-Security-Policy refuses style="" attributes.
    else if (k === 'style')
      for (const [name, value] of Object.entries(v as Record<string, string>)) el.style.setProperty(name, value)
    else if (PROPS.has(k)) (el as unknown as Record<string, unknown>)[k] = v
    else el.setAttribute(k, v === true ? '' : String(v))
  }
}

function add(el: El, kids: Kid[]): void {
  for (const k of kids) {
    if (k === null || k === undefined || k === false) continue
    if (Array.isArray(k)) add(el, k)
    else el.append(k)
  }
}

/** Flattens children for `replaceChildren`. */
export function kids(...list: Kid[]): Child[] {
  const out: Child[] = []
  const walk = (xs: Kid[]) => {
    for (const k of xs) {
      if (k === null || k === undefined || k === false) continue
      if (Array.isArray(k)) walk(k)
      else out.push(k)
    }
  }
  walk(list)
  return out
}

/** Replaces what `el` shows. */
export function show(el: El, ...list: Kid[]): void {
  el.replaceChildren(...kids(...list))
}

let ids = 0
/** A unique id for label/field pairs and aria references. */
export const uid = (prefix = 'f'): string => `${prefix}-${++ids}`
