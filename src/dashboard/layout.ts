/**
 * The frame around every signed-in page: a sidebar (brand, site switcher, the site's pages, theme and
 * sign-out) that becomes a compact header at phone width, a breadcrumb bar with the live visitors figure,
 * and the `<main>` the pages render into. Built once and updated in place between pages.
 * @module
 */
import { api } from './api.js'
import type { El, FieldEl } from './dom.js'
import { h, show } from './h.js'
import { icon, type IconName } from './icons.js'
import { fmtInt } from './format.js'
import { href, navigate, sitePath, type SitePage } from './router.js'
import { forgetSession, state } from './state.js'
import { currentTheme, nextTheme, setTheme, type Theme } from './theme.js'
import type { Site } from './types.js'
import { toast } from './ui.js'

export interface Frame {
  root: El
  content: El
  /** Which site and page are shown (none: the sites list). */
  update(site: Site | null, page: SitePage | 'sites', search: string): void
  /** The live figure in the top bar: a number, or null to hide it. */
  setLive(visitors: number | null, via?: string): void
}

const PAGES: { id: SitePage; label: string; icon: IconName }[] = [
  { id: 'overview', label: 'Overview', icon: 'chart' },
  { id: 'goals', label: 'Goals', icon: 'flag' },
  { id: 'events', label: 'Events', icon: 'zap' },
  { id: 'settings', label: 'Settings', icon: 'sliders' },
]

const THEME_LABEL: Record<Theme, string> = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' }
const THEME_ICON: Record<Theme, IconName> = { system: 'monitor', light: 'sun', dark: 'moon' }

async function signOut(): Promise<void> {
  try {
    await api.logout()
  } catch (err) {
    toast(`Signing out failed: ${(err as Error).message}`, 'error')
    return
  }
  forgetSession()
  navigate('/login')
}

export function createFrame(): Frame {
  const siteSelect = h('select', { id: 'site-select', class: 'select' }) as FieldEl
  const siteBox = h(
    'div',
    { class: 'site-switch' },
    h('label', { class: 'eyebrow', for: 'site-select' }, 'Site'),
    siteSelect,
  )
  const nav = h('nav', { class: 'nav', 'aria-label': 'Site pages' })
  const themeBtn = h('button', { class: 'nav-item nav-button', type: 'button' })
  const paintTheme = () => {
    const t = currentTheme()
    show(themeBtn, icon(THEME_ICON[t]), h('span', null, THEME_LABEL[t]))
    themeBtn.setAttribute('aria-label', `${THEME_LABEL[t]}: switch to ${THEME_LABEL[nextTheme(t)].toLowerCase()}`)
  }
  themeBtn.addEventListener('click', () => {
    setTheme(nextTheme(currentTheme()))
    paintTheme()
  })
  paintTheme()
  const who = h('p', { class: 'who', title: 'Signed in as' })
  const foot = h(
    'div',
    { class: 'sidebar-foot' },
    themeBtn,
    who,
    h(
      'button',
      { class: 'nav-item nav-button', type: 'button', onclick: () => void signOut(), 'data-action': 'sign-out' },
      icon('logout'),
      h('span', null, 'Sign out'),
    ),
  )
  const crumbs = h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' })
  const live = h('a', { class: 'live-pill', hidden: true, 'aria-live': 'polite' })
  const content = h('main', { id: 'content', class: 'content', tabindex: '-1' })
  const root = h(
    'div',
    { class: 'app' },
    h('a', { class: 'skip', href: '#content' }, 'Skip to content'),
    h(
      'aside',
      { class: 'sidebar' },
      h(
        'div',
        { class: 'sidebar-top' },
        h('a', { class: 'brand', href: href('/') }, icon('logo', 'icon logo'), h('span', null, 'hitring')),
      ),
      siteBox,
      nav,
      foot,
    ),
    h('div', { class: 'main' }, h('header', { class: 'topbar' }, crumbs, live), content),
  )

  let current: { site: Site | null; page: SitePage | 'sites' } = { site: null, page: 'sites' }
  siteSelect.addEventListener('change', () => {
    const id = siteSelect.value
    if (id === '') navigate('/')
    else navigate(sitePath(id, current.page === 'sites' ? 'overview' : current.page))
  })

  return {
    root,
    content,
    update(site, page, search) {
      current = { site, page }
      const sites = state.sites ?? []
      show(
        siteSelect,
        h('option', { value: '' }, site ? 'All sites' : 'Choose a site…'),
        sites.map((s) => h('option', { value: s.id }, s.domain)),
      )
      siteSelect.value = site?.id ?? ''
      siteBox.hidden = sites.length === 0
      const keep = search.includes('range=') ? search : ''
      show(
        nav,
        h(
          'a',
          {
            class: `nav-item nav-all ${site ? 'with-site' : ''}`,
            href: href('/'),
            'aria-current': page === 'sites' ? 'page' : undefined,
          },
          icon('grid'),
          h('span', null, 'All sites'),
        ),
        site
          ? [
              h('p', { class: 'eyebrow nav-heading' }, 'Analytics'),
              PAGES.map((p) => {
                // The range travels with the person between the analytics pages (settings has none).
                const to = href(sitePath(site.id, p.id) + (p.id === 'settings' ? '' : keep))
                return h(
                  'a',
                  { class: 'nav-item', href: to, 'aria-current': p.id === page ? 'page' : undefined, 'data-nav': p.id },
                  icon(p.icon),
                  h('span', null, p.label),
                )
              }),
            ]
          : null,
      )
      show(who, state.me?.email ?? '')
      const pageLabel = PAGES.find((p) => p.id === page)?.label
      show(
        crumbs,
        h(
          'ol',
          null,
          h('li', null, site ? h('a', { href: href('/') }, 'Sites') : h('span', { 'aria-current': 'page' }, 'Sites')),
          site
            ? h(
                'li',
                null,
                page === 'overview'
                  ? h('span', { 'aria-current': 'page' }, site.domain)
                  : h('a', { href: href(sitePath(site.id) + keep) }, site.domain),
              )
            : null,
          site && page !== 'overview' ? h('li', null, h('span', { 'aria-current': 'page' }, pageLabel)) : null,
        ),
      )
      if (!site) this.setLive(null)
      else live.setAttribute('href', href(sitePath(site.id)))
    },
    setLive(visitors, via) {
      live.hidden = visitors === null
      if (visitors === null) return
      show(
        live,
        h('span', { class: 'live-dot', 'aria-hidden': 'true' }),
        h('strong', { 'data-live': 'visitors-now' }, fmtInt(visitors)),
        h('span', null, visitors === 1 ? ' visitor now' : ' visitors now'),
      )
      live.title = `Visitors in the last 5 minutes (${via === 'stream' ? 'live stream' : 'updated every 10 s'})`
    },
  }
}
