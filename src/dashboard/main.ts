/**
 * The dashboard's entry: finds out who is signed in (if the HTML shell saw a session at all), then
 * renders the page of the URL — and again on every navigation. Signed-out visitors go to the first-run
 * set-up (while the server has no user) or to the sign-in page; a page's resources (charts, the live
 * stream) are released when it is left.
 * @module
 */
import 'uplot/dist/uPlot.min.css'
import './styles/base.css'
import './styles/layout.css'
import './styles/components.css'
import './styles/pages.css'
import { whenSignedOut } from './api.js'
import { doc, type El } from './dom.js'
import { h, show } from './h.js'
import { createFrame, type Frame } from './layout.js'
import { watchLive, type LiveUpdate } from './live.js'
import { currentPath, currentSearch, matchRoute, navigate, onNavigate, startRouter, type Route } from './router.js'
import { forgetSession, loadMe, loadSites, sessionAtLoad, state } from './state.js'
import { watchSystemScheme } from './theme.js'
import { errorBox } from './ui.js'
import { loginPage, setupPage, setupPath } from './pages/auth.js'
import type { PageContext, SitePageContext } from './pages/context.js'
import { show404 } from './pages/common.js'
import { eventsPage } from './pages/events.js'
import { goalsPage } from './pages/goals.js'
import { overviewPage } from './pages/overview.js'
import { settingsPage } from './pages/settings.js'
import { sitesPage } from './pages/sites.js'

const appEl = doc.getElementById('app') as El
let frame: Frame | null = null
let generation = 0
const cleanups: (() => void)[] = []

/** One live connection per site shown, kept while moving between that site's pages. */
const live = {
  siteId: null as string | null,
  stop: null as (() => void) | null,
  last: null as LiveUpdate | null,
  listeners: new Set<(u: LiveUpdate) => void>(),
  follow(siteId: string | null) {
    if (siteId === this.siteId) return
    this.stop?.()
    this.stop = null
    this.last = null
    this.siteId = siteId
    frame?.setLive(null)
    if (siteId === null) return
    this.stop = watchLive(
      siteId,
      (u) => {
        this.last = u
        frame?.setLive(u.visitorsNow, u.via)
        for (const fn of this.listeners) fn(u)
      },
      // The live figure is secondary: its failure is shown where it would be, not as a page error.
      (err) => frame?.setLive(null, `unavailable: ${err.message}`),
    )
  },
}

function ensureFrame(): Frame {
  if (!frame?.root.isConnected) {
    frame = createFrame()
    show(appEl, frame.root)
  }
  return frame
}

const SITE_PAGES = { overview: overviewPage, goals: goalsPage, events: eventsPage, settings: settingsPage }

async function render(firstLoad = false): Promise<void> {
  const gen = ++generation
  for (const fn of cleanups.splice(0)) fn()
  const route: Route = matchRoute(currentPath())
  const search = currentSearch()
  const base: PageContext = {
    root: appEl,
    search,
    alive: () => gen === generation,
    cleanup: (fn) => void cleanups.push(fn),
    reload: () => void render(),
  }
  if (route.name === 'login' || route.name === 'setup') {
    if (state.me) return navigate('/', { replace: true })
    if (route.name === 'setup' && !state.setupNeeded) return navigate('/login', { replace: true })
    frame = null
    live.follow(null)
    return show(appEl, route.name === 'login' ? loginPage(base) : setupPage(base))
  }
  if (!state.me) {
    const here = currentPath() + search
    return navigate(
      state.setupNeeded ? setupPath(search) : here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`,
      { replace: true },
    )
  }
  const f = ensureFrame()
  const ctx = { ...base, root: f.content }
  if (!firstLoad) f.content.focus({ preventScroll: true })
  try {
    if (route.name === 'sites' || route.name === 'notFound') {
      f.update(null, 'sites', search)
      live.follow(null)
      if (route.name === 'notFound') return show404(ctx, 'There is no page at this address.')
      return await sitesPage(ctx)
    }
    const siteId = route.siteId
    const sites = await loadSites()
    // A site added elsewhere since the list was loaded: look again before saying it does not exist.
    const site = sites.find((s) => s.id === siteId) ?? (await loadSites(true)).find((s) => s.id === siteId)
    if (gen !== generation) return
    if (!site) {
      f.update(null, 'sites', search)
      live.follow(null)
      return show404(
        ctx,
        'No site with this id is visible to you. It may have been deleted, or belong to someone else.',
      )
    }
    f.update(site, route.name, search)
    live.follow(site.id)
    const siteCtx: SitePageContext = {
      ...ctx,
      site,
      frame: f,
      onLive(fn) {
        live.listeners.add(fn)
        cleanups.push(() => live.listeners.delete(fn))
        if (live.last) fn(live.last)
      },
    }
    await SITE_PAGES[route.name](siteCtx)
  } catch (err) {
    if (gen === generation)
      show(
        f.content,
        errorBox(err, () => void render()),
      )
  }
}

/** Who is signed in, then the page of the URL. A failure here (server down) is shown with a retry. */
async function boot(): Promise<void> {
  try {
    if (sessionAtLoad) await loadMe()
  } catch (err) {
    return show(
      appEl,
      h(
        'div',
        { class: 'auth' },
        h(
          'main',
          { class: 'auth-card' },
          h('h1', null, 'hitring'),
          errorBox(err, () => void boot()),
        ),
      ),
    )
  }
  await render(true)
}

startRouter()
watchSystemScheme()
onNavigate(() => void render())
whenSignedOut(() => {
  // The session ended (expired, revoked): to the sign-in page, which brings the person back here.
  if (!state.me) return
  forgetSession()
  live.follow(null)
  const here = currentPath() + currentSearch()
  navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true })
})
void boot()
