/**
 * Client-side routes. The server answers the HTML shell for each of these paths (src/app/dashboard-route.ts),
 * so a reload or a shared link opens the same page; links are real `<a href>`s (open in a new tab, copy),
 * and same-page clicks are taken over with the History API.
 *
 * | path | page |
 * |---|---|
 * | `/` | sites |
 * | `/login`, `/setup` | sign in; first-run set-up |
 * | `/sites/:id`, `/sites/:id/goals`, `/sites/:id/events`, `/sites/:id/settings` | one site |
 * @module
 */
import { BASE } from './api.js'
import { doc, win, type AnchorEl, type MouseEv } from './dom.js'

export type SitePage = 'overview' | 'goals' | 'events' | 'settings'
export type Route =
  | { name: 'sites' }
  | { name: 'login' }
  | { name: 'setup' }
  | { name: 'notFound' }
  | { name: SitePage; siteId: string }

const SITE_PAGES: Record<string, SitePage> = { '': 'overview', goals: 'goals', events: 'events', settings: 'settings' }

/** `path` relative to where hitring is served, starting with `/`. */
export function matchRoute(path: string): Route {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path
  if (p === '/' || p === '/sites') return { name: 'sites' }
  if (p === '/login') return { name: 'login' }
  if (p === '/setup') return { name: 'setup' }
  const m = /^\/sites\/([^/]+)(?:\/([a-z]+))?$/.exec(p)
  const page = m ? SITE_PAGES[m[2] ?? ''] : undefined
  if (m && page) {
    try {
      return { name: page, siteId: decodeURIComponent(m[1]!) }
    } catch {
      return { name: 'notFound' }
    }
  }
  return { name: 'notFound' }
}

/** The current path relative to {@link BASE} (`/sites/…`), without the query. */
export function currentPath(): string {
  const p = win.location.pathname
  return p.startsWith(BASE) ? `/${p.slice(BASE.length)}` : p
}

export const currentSearch = (): string => win.location.search

/** An app path (`/sites/x?range=7d`) → the URL to put in an href. */
export const href = (path: string): string => BASE + path.replace(/^\//, '')

export const sitePath = (siteId: string, page: SitePage = 'overview'): string =>
  `/sites/${encodeURIComponent(siteId)}${page === 'overview' ? '' : `/${page}`}`

let listener: () => void = () => {}
export const onNavigate = (fn: () => void): void => void (listener = fn)

export function navigate(path: string, opts: { replace?: boolean; keepScroll?: boolean } = {}): void {
  const url = href(path)
  if (opts.replace) win.history.replaceState(null, '', url)
  else win.history.pushState(null, '', url)
  if (!opts.keepScroll) win.scrollTo(0, 0)
  listener()
}

/** Back/forward, and same-origin link clicks without a modifier key, stay in the page. */
export function startRouter(): void {
  win.addEventListener('popstate', () => listener())
  doc.addEventListener('click', (e: MouseEv) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    const a = e.target?.closest('a[href]') as AnchorEl | null
    if (
      !a ||
      a.target ||
      a.hasAttribute('download') ||
      a.origin !== win.location.origin ||
      !a.pathname.startsWith(BASE)
    )
      return
    if (matchRoute(`/${a.pathname.slice(BASE.length)}`).name === 'notFound') return
    e.preventDefault()
    const path = `/${a.pathname.slice(BASE.length)}${a.search}`
    navigate(path, { keepScroll: a.dataset.keepScroll !== undefined })
  })
}
