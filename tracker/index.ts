/**
 * hk.js — the tracking script. Built by tracker/build.mjs into one minified IIFE under a gzip budget.
 *
 *   <script async src="https://stats.example/hk.js"></script>
 *
 * On load: one pageview, then the calls queued by the stub are replayed in order; after that,
 * `window.hk.event(name, props)` sends at once. Single-page apps: one pageview per change of the
 * reported path (pushState, replaceState, popstate; the hash too with `data-hash="true"`).
 * Nothing is stored but a per-tab session id in sessionStorage; no cookies.
 * @module
 */
import type { El, Ev, Hk, LinkEl, Props, Win } from './dom.js'
import { switches, tracks } from './options.js'
import { isBlocked } from './privacy.js'
import { sessionId } from './session.js'
import { actionPath, classifyLink, MAX_URL, pageUrl, pageviewEndpoint, propsOf } from './url.js'

const w = globalThis as unknown as Win
const d = w.document
const hk: Hk = (w.hk = w.hk || ({} as Hk))

// A second copy of the script on the page finds the flag and does nothing: one pageview, one set of listeners.
if (!hk._loaded) {
  hk._loaded = 1
  const queued = hk.q || []
  // Calls that arrive while blocked are dropped, and never throw. (An error in start() is not swallowed:
  // it cannot break the page's own scripts, and a site owner should see it in the console.)
  hk.event = () => {}
  start(queued)
}

function start(queued: Iterable<unknown>[]): void {
  // Set while a classic <script> (async or not) runs; hk.js is never loaded as a module.
  const script = d.currentScript
  if (!script?.src) return
  const attr = (name: string) => script.getAttribute('data-' + name)
  const on = switches(attr)
  const hash = on('hash')
  const track = attr('track')
  const loc = w.location
  const nav = w.navigator
  let ignore: string | null = null
  try {
    ignore = w.localStorage.getItem('hk_ignore')
  } catch {
    // storage disabled: no opt-out flag either
  }
  if (isBlocked(nav, loc, ignore, on)) return

  const pageviewUrl = pageviewEndpoint(script.src)
  // `new URL` dropped any query of the script's URL, so the event endpoint is a plain suffix.
  const eventUrl = pageviewUrl + '/event'
  // Only the landing pageview carries document.referrer (the engine classifies a same-site referrer as
  // internal). In-app navigations and events came from no new source: were they to repeat it, a session
  // that the engine starts after 30 idle minutes would be credited to the original referrer again.
  let referrer = d.referrer
  let lastPath: string | undefined

  const send = (url: string, fields: object): void => {
    const body = JSON.stringify({
      url: pageUrl(loc.href, hash).href.slice(0, MAX_URL),
      referrer,
      screen_width: w.screen.width,
      session_id: sessionId(w, Date.now()),
      ...fields,
    })
    // A text/plain beacon needs no CORS preflight and survives the page being closed.
    if (!nav.sendBeacon?.(url, body)) {
      w.fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit' }).catch(() => {})
    }
  }

  const pageview = (): void => {
    const path = pageUrl(loc.href, hash).pathname
    if (path === lastPath) return
    lastPath = path
    send(pageviewUrl, {})
    referrer = ''
  }

  hk.event = (name, props) => send(eventUrl, { name, props })

  const h = w.history
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = h[method]
    h[method] = function (this: unknown, ...args: unknown[]) {
      original.apply(this, args)
      pageview()
    }
  }
  w.addEventListener('popstate', pageview)
  if (hash) w.addEventListener('hashchange', pageview)

  // Capture phase: seen before page handlers can stop propagation. Nothing waits: a beacon needs no delay.
  const downloads = tracks(track, 'download')
  const outbound = tracks(track, 'outbound')
  const onClick = (e: Ev): void => {
    // click: the primary button; auxclick: only the middle one (a link opened in a new tab).
    if (e.button > 1) return
    const target = e.target
    // The target of a click is an element, unless a script dispatched one on the document.
    if (!target?.closest) return
    const tagged = target.closest('[data-hk-event]')
    if (tagged) return hk.event(tagged.getAttribute('data-hk-event')!, propsOf(tagged.attributes))
    const link = target.closest('a[href],area[href]') as LinkEl | null
    const hit = link && classifyLink(link, loc.hostname, link.hasAttribute('download'), downloads, outbound)
    if (hit) hk.event(hit[0], { url: hit[1] })
  }
  d.addEventListener('click', onClick, true)
  d.addEventListener('auxclick', onClick, true)
  if (tracks(track, 'form')) {
    d.addEventListener(
      'submit',
      (e) => {
        const form = e.target as El
        hk.event('form_submit', { form: form.getAttribute('id') || actionPath(form.getAttribute('action'), loc.href) })
      },
      true,
    )
  }

  const go = (): void => {
    pageview()
    for (const args of queued) hk.event(...([...args] as [string, Props?]))
  }
  // A prerendered page (Chrome's speculation rules) is counted only if the visitor actually opens it.
  if (d.prerendering) d.addEventListener('prerenderingchange', go)
  else go()
}
