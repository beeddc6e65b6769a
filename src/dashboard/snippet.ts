/**
 * The tracking snippet a site owner pastes (`<script async src="<public url>/hk.js"></script>`), with a
 * copy button, and the custom-event call from HitKeep's documentation.
 * @module
 */
import { win, type El } from './dom.js'
import { h } from './h.js'
import { copyButton } from './ui.js'

/** The public URL the server was started with (`-public-url`), from the HTML shell; else this page's origin. */
export function publicUrl(): string {
  const meta = win.document.querySelector('meta[name="hitring-public-url"]')?.getAttribute('content')
  return (meta || win.location.origin).replace(/\/+$/, '')
}

export const snippetText = (): string => `<script async src="${publicUrl()}/hk.js"></script>`
export { eventSnippetText, HK_STUB } from './event-snippet.js'

export function codeBlock(text: string, label: string): El {
  return h(
    'div',
    { class: 'code-block' },
    h('pre', { class: 'code', tabindex: '0', 'aria-label': label }, h('code', null, text)),
    copyButton(() => text),
  )
}

export function snippet(): El {
  return h(
    'div',
    { class: 'snippet' },
    codeBlock(snippetText(), 'Tracking snippet'),
    h(
      'p',
      { class: 'muted small' },
      'Paste it into the ',
      h('code', null, '<head>'),
      ' of every page. Visits show up here within seconds; no cookies are set.',
    ),
  )
}
