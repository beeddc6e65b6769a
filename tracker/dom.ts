/**
 * The few browser APIs hk.js touches, typed here rather than through the DOM lib: the repository's
 * tsconfig type-checks Node code (no DOM), and adding `lib: dom` to that one program would change the
 * types of `setTimeout`, `fetch`… in every server file. Only what the tracker reads is declared.
 * @module
 */

/** An attribute, as in `Element.attributes`. */
export interface Attr {
  name: string
  value: string
}

export interface El {
  getAttribute(name: string): string | null
  hasAttribute(name: string): boolean
  closest?(selector: string): El | null
  attributes: Iterable<Attr>
  /** `HTMLScriptElement.src`: already absolute. */
  src?: string
}

/** `<a>` and `<area>`: already-resolved URL parts (HTMLHyperlinkElementUtils). */
export interface LinkEl extends El {
  protocol: string
  hostname: string
  pathname: string
  origin: string
}

export interface Ev {
  type: string
  button: number
  target: El | null
}

type Listen = (type: string, listener: (e: Ev) => void, capture?: boolean) => void

export interface StorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

export type Props = Record<string, string | number | boolean>

/** `window.hk`: the public `event`, the stub's queue `q` (its `arguments` objects) and the loaded flag. */
export interface Hk {
  event(name: string, props?: Props): void
  q?: Iterable<unknown>[]
  _loaded?: 1
}

export interface Win {
  hk?: Hk
  document: {
    currentScript: El | null
    referrer: string
    prerendering?: boolean
    addEventListener: Listen
  }
  location: { href: string; hostname: string; protocol: string }
  history: Record<'pushState' | 'replaceState', (...args: unknown[]) => void>
  navigator: {
    doNotTrack?: string | null
    globalPrivacyControl?: boolean
    webdriver?: boolean
    /**
     * The UI language tag (BCP 47), e.g. pt-BR:
     * https://html.spec.whatwg.org/multipage/system-state.html#dom-navigator-language
     */
    language?: string
    sendBeacon?(url: string, body: string): boolean
  }
  screen: { width: number }
  sessionStorage: StorageLike
  localStorage: StorageLike
  /** randomUUID: secure contexts only. */
  crypto: { randomUUID?(): string }
  addEventListener: Listen
}
