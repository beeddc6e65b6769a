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
import { tracks } from './options.js'
import { whyNotCounting } from './privacy.js'
import { sessionId } from './session.js'
import { actionPath, classifyLink, MAX_URL, pageUrl, pageviewEndpoint, propsOf } from './url.js'

const w = globalThis as unknown as Win
const d = w.document
const hk: Hk = (w.hk = w.hk || ({} as Hk))

// A second copy of the script on the page finds the flag and does nothing: one pageview, one set of listeners.
if (!hk._loaded) {
  hk._loaded = 1
  // Calls that arrive while blocked are dropped, and never throw. (An error in start() is not swallowed:
  // it cannot break the page's own scripts, and a site owner should see it in the console.)
  hk.event = () => {}
  start(hk.q || [])
}

function start(queued: Iterable<unknown>[]): void {
  // Set while a classic <script> (async or not) runs; hk.js is never loaded as a module.
  const script = d.currentScript
  if (!script?.src) return
  const attr = (name: string) => script.getAttribute('data-' + name)
  // A switch is on only when its attribute is exactly "true" (options.ts).
  const on = (name: string) => attr(name) === 'true'
  const hash = on('hash')
  const track = attr('track')
  const loc = w.location
  const nav = w.navigator
  const why = whyNotCounting(w, on)
  // One line, so a site owner testing the site learns why nothing is sent and how to allow it.
  if (why) return console.info('hk.js: not counting:', why)

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
      // Set only with data-allow-webdriver (an automated browser sends nothing otherwise): the engine
      // then counts the visit despite a headless User-Agent, under its own /metrics label.
      webdriver: nav.webdriver || undefined,
      // The engine stores its primary subtag (pt-BR → pt) as the visit's language.
      language: nav.language,
      ...fields,
    })
    // A text/plain beacon needs no CORS preflight and survives the page being closed. No fetch fallback
    // (dropped to fit the console lines in the gzip budget): every browser since 2018 has sendBeacon, and
    // a body it refuses for the 64 KiB in-flight keepalive quota would fail as a keepalive fetch too, the
    // quota being the same (https://fetch.spec.whatwg.org/#http-network-or-cache-fetch, step "keepalive").
    nav.sendBeacon?.(url, body)
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
  // Also after a change of the hash: a fragment navigation fires popstate before hashchange
  // (https://html.spec.whatwg.org/multipage/browsing-the-web.html#updating-the-document).
  w.addEventListener('popstate', pageview)

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
    // The reported url has no query and no fragment (far below the engine's 2,000-byte limit on prop values).
    if (hit) hk.event(hit, { url: link.origin + link.pathname })
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
