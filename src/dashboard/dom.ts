/**
 * The browser APIs the dashboard touches, typed here rather than through TypeScript's DOM lib: the
 * repository's tsconfig type-checks Node code, and `lib: dom` in that one program would change the types
 * of `setTimeout`, `fetch`, `Response`… in every server file (the tracker does the same: tracker/dom.ts).
 * Only what the dashboard uses is declared; `src/dashboard/tsconfig.json` checks these files with no Node
 * types at all (`npx tsc --noEmit -p src/dashboard`), so no Node API slips into the browser bundle.
 * @module
 */

export type Listener<E = Ev> = (e: E) => void

export interface EventTarget_ {
  addEventListener(
    type: string,
    // biome-ignore lint/suspicious/noExplicitAny: takes listeners of every event type (`unknown` refuses them)
    fn: Listener<any>,
    options?: boolean | { once?: boolean; passive?: boolean; capture?: boolean },
  ): void
  // biome-ignore lint/suspicious/noExplicitAny: as addEventListener's
  removeEventListener(type: string, fn: Listener<any>, capture?: boolean): void
}

export interface Ev {
  readonly type: string
  readonly target: El | null
  readonly currentTarget: El | null
  readonly defaultPrevented: boolean
  preventDefault(): void
  stopPropagation(): void
}

export interface KeyEv extends Ev {
  readonly key: string
  readonly altKey: boolean
  readonly ctrlKey: boolean
  readonly metaKey: boolean
  readonly shiftKey: boolean
}

export interface MouseEv extends KeyEv {
  readonly button: number
}

export interface Rect {
  left: number
  top: number
  width: number
  height: number
}

export interface Text_ {
  data: string
  remove(): void
}

export type Child = El | Text_ | string

export interface El extends EventTarget_ {
  readonly tagName: string
  id: string
  className: string
  textContent: string | null
  /** Used only with constant markup (the icon paths), never with data. */
  innerHTML: string
  hidden: boolean
  title: string
  tabIndex: number
  readonly classList: {
    add(...c: string[]): void
    remove(...c: string[]): void
    toggle(c: string, force?: boolean): boolean
    contains(c: string): boolean
  }
  readonly dataset: Record<string, string | undefined>
  readonly style: { setProperty(name: string, value: string): void; removeProperty(name: string): void }
  readonly parentElement: El | null
  readonly children: ArrayLike<El>
  readonly isConnected: boolean
  readonly clientWidth: number
  setAttribute(name: string, value: string): void
  getAttribute(name: string): string | null
  hasAttribute(name: string): boolean
  removeAttribute(name: string): void
  toggleAttribute(name: string, force?: boolean): boolean
  append(...nodes: Child[]): void
  prepend(...nodes: Child[]): void
  replaceChildren(...nodes: Child[]): void
  replaceWith(...nodes: Child[]): void
  remove(): void
  contains(other: El | null): boolean
  querySelector(selector: string): El | null
  querySelectorAll(selector: string): ArrayLike<El>
  closest(selector: string): El | null
  focus(options?: { preventScroll?: boolean }): void
  click(): void
  getBoundingClientRect(): Rect
  scrollIntoView(options?: { block?: string; behavior?: string }): void
}

/** input, select, textarea and button: the members the dashboard reads or sets. */
export interface FieldEl extends El {
  value: string
  checked: boolean
  disabled: boolean
  required: boolean
  readOnly: boolean
  type: string
  name: string
  placeholder: string
  select(): void
}

export interface FormEl extends El {
  reset(): void
}

export interface DialogEl extends El {
  readonly open: boolean
  showModal(): void
  close(returnValue?: string): void
}

export interface AnchorEl extends El {
  href: string
  readonly origin: string
  readonly pathname: string
  readonly search: string
  target: string
  download: string
}

export interface Doc extends EventTarget_ {
  title: string
  readonly body: El
  readonly documentElement: El
  readonly activeElement: El | null
  readonly visibilityState: 'visible' | 'hidden'
  createElement(tag: string): El
  createElementNS(ns: string, tag: string): El
  createTextNode(text: string): Text_
  querySelector(selector: string): El | null
  getElementById(id: string): El | null
  /** Only for copying on plain-http pages, where the async clipboard does not exist. */
  execCommand(command: 'copy'): boolean
}

export interface Location_ {
  readonly href: string
  readonly origin: string
  readonly pathname: string
  readonly search: string
  assign(url: string): void
  replace(url: string): void
}

export interface MediaQuery extends EventTarget_ {
  readonly matches: boolean
}

export interface FetchAnswer {
  readonly ok: boolean
  readonly status: number
  readonly headers: { get(name: string): string | null }
  text(): Promise<string>
}

export interface FetchInit {
  method?: string
  headers?: Record<string, string>
  body?: string
  credentials?: 'same-origin' | 'include' | 'omit'
  signal?: unknown
  cache?: 'no-store' | 'default'
}

export interface MessageEv extends Ev {
  readonly data: string
}

export interface EventSource_ extends EventTarget_ {
  readonly readyState: number
  close(): void
}

export interface ResizeObserver_ {
  observe(el: El): void
  disconnect(): void
}

export interface Win extends EventTarget_ {
  readonly document: Doc
  readonly location: Location_
  readonly history: {
    pushState(state: unknown, unused: string, url: string): void
    replaceState(state: unknown, unused: string, url: string): void
  }
  readonly localStorage: {
    getItem(key: string): string | null
    setItem(key: string, value: string): void
    removeItem(key: string): void
  }
  readonly navigator: { clipboard?: { writeText(text: string): Promise<void> } }
  readonly innerWidth: number
  fetch(url: string, init?: FetchInit): Promise<FetchAnswer>
  matchMedia(query: string): MediaQuery
  getComputedStyle(el: El): { getPropertyValue(name: string): string }
  scrollTo(x: number, y: number): void
  requestAnimationFrame(fn: () => void): number
  setTimeout(fn: () => void, ms?: number): number
  clearTimeout(id: number | undefined): void
  setInterval(fn: () => void, ms: number): number
  clearInterval(id: number | undefined): void
  EventSource?: new (url: string) => EventSource_
  ResizeObserver?: new (fn: () => void) => ResizeObserver_
  AbortController: new () => { readonly signal: unknown; abort(): void }
}

export const win = globalThis as unknown as Win
export const doc = win.document
