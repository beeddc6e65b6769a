/** The pure parts of hk.js: options, privacy switches, URLs and endpoints, link classification, session ids. */
import { describe, expect, test } from 'vitest'
import { tracks } from '../tracker/options.js'
import { whyNotCounting } from '../tracker/privacy.js'
import { actionPath, classifyLink, pageUrl, pageviewEndpoint, propsOf } from '../tracker/url.js'
import { SESSION_IDLE_MS, SESSION_KEY, sessionId } from '../tracker/session.js'
import type { StorageLike } from '../tracker/dom.js'

describe('script-tag options', () => {
  test('data-track: any subset, any separator, plural or singular', () => {
    const all = 'outbound,downloads,forms'
    expect(['outbound', 'download', 'form'].map((i) => tracks(all, i as 'form'))).toEqual([true, true, true])
    expect(['outbound', 'download', 'form'].map((i) => tracks('download outbound', i as 'form'))).toEqual([
      true,
      true,
      false,
    ])
    expect(tracks('forms', 'form')).toBe(true)
    expect(tracks(null, 'outbound')).toBe(false)
    expect(tracks('', 'outbound')).toBe(false)
  })
})

describe('when the tracker stays silent, and the console line that says why', () => {
  type Nav = { doNotTrack?: string | null; globalPrivacyControl?: boolean; webdriver?: boolean }
  const storage = (ignore: string | null) => ({
    getItem: (k: string) => (k === 'hk_ignore' ? ignore : null),
    setItem() {},
  })
  const page = (
    nav: Nav = {},
    location = { hostname: 'shop.example', protocol: 'https:' },
    ignore: string | null = null,
  ) => ({
    navigator: { doNotTrack: null, webdriver: false, ...nav },
    location: { href: `${location.protocol}//${location.hostname}/`, ...location },
    localStorage: storage(ignore),
  })
  const none = () => false
  const only =
    (...names: string[]) =>
    (n: string) =>
      names.includes(n)

  test('an ordinary visit is counted', () => {
    expect(whyNotCounting(page(), none)).toBeFalsy()
    expect(whyNotCounting(page({ doNotTrack: '0' }, undefined, 'false'), none)).toBeFalsy()
  })

  test('Do-Not-Track and Global Privacy Control, unless data-collect-dnt', () => {
    const why = 'DNT/GPC (add data-collect-dnt="true" to count)'
    expect(whyNotCounting(page({ doNotTrack: '1' }), none)).toBe(why)
    expect(whyNotCounting(page({ globalPrivacyControl: true }), none)).toBe(why)
    expect(whyNotCounting(page({ doNotTrack: '1', globalPrivacyControl: true }), only('collect-dnt'))).toBeFalsy()
  })

  test('local pages, unless data-allow-local', () => {
    const why = 'local page (add data-allow-local="true" to count)'
    for (const hostname of ['localhost', '127.0.0.1', '[::1]']) {
      expect(whyNotCounting(page({}, { hostname, protocol: 'http:' }), none)).toBe(why)
      expect(whyNotCounting(page({}, { hostname, protocol: 'http:' }), only('allow-local'))).toBeFalsy()
    }
    expect(whyNotCounting(page({}, { hostname: '', protocol: 'file:' }), none)).toBe(why)
    // Only these: a LAN address or a name that merely starts with "localhost" is a real site.
    expect(whyNotCounting(page({}, { hostname: 'localhost.shop.example', protocol: 'https:' }), none)).toBeFalsy()
    expect(whyNotCounting(page({}, { hostname: '192.168.1.20', protocol: 'http:' }), none)).toBeFalsy()
  })

  test('automated browsers, unless data-allow-webdriver', () => {
    expect(whyNotCounting(page({ webdriver: true }), none)).toBe(
      'navigator.webdriver (add data-allow-webdriver="true" to count)',
    )
    expect(whyNotCounting(page({ webdriver: true }), only('allow-webdriver'))).toBeFalsy()
  })

  test("localStorage.hk_ignore === 'true' (the owner's opt-out) wins over every data- switch", () => {
    expect(whyNotCounting(page({ webdriver: true, doNotTrack: '1' }, undefined, 'true'), () => true)).toBe(
      'localStorage.hk_ignore (remove it to count)',
    )
  })

  test('storage that throws (disabled, sandboxed frame) is no opt-out', () => {
    const w = {
      ...page(),
      localStorage: {
        getItem: (): string => {
          throw new Error('SecurityError')
        },
        setItem() {},
      },
    }
    expect(whyNotCounting(w, none)).toBeFalsy()
  })
})

describe('endpoints and page URLs', () => {
  test('endpoints are relative to the script, so a path prefix works; the script query is dropped', () => {
    expect(pageviewEndpoint('https://stats.example/hk.js')).toBe('https://stats.example/ingest')
    expect(pageviewEndpoint('https://stats.example/hk.0123456789abcdef.js?v=2')).toBe('https://stats.example/ingest')
    expect(pageviewEndpoint('https://shop.example/stats/hk.js')).toBe('https://shop.example/stats/ingest')
    expect(pageviewEndpoint('http://stats.test:8080/a/b/hk.js#x')).toBe('http://stats.test:8080/a/b/ingest')
  })

  test('the fragment is never sent; the query (UTM tags) is', () => {
    expect(pageUrl('https://shop.example/p?utm_source=x#access_token=secret', false).href).toBe(
      'https://shop.example/p?utm_source=x',
    )
    expect(pageUrl('https://shop.example/#/settings', false).pathname).toBe('/')
  })

  test('hash routing folds the route into the path and drops the route query', () => {
    const path = (href: string) => pageUrl(href, true)
    expect(path('https://shop.example/#/settings').href).toBe('https://shop.example/settings')
    expect(path('https://shop.example/app/#/users/5?tab=2').href).toBe('https://shop.example/app/users/5')
    expect(path('https://shop.example/app#!/users').pathname).toBe('/app/users')
    expect(path('https://shop.example/app?utm_source=x#settings').href).toBe(
      'https://shop.example/app/settings?utm_source=x',
    )
    expect(path('https://shop.example/app#').pathname).toBe('/app')
    expect(path('https://shop.example/app').pathname).toBe('/app')
  })
})

describe('link clicks', () => {
  const page = 'shop.example'
  /** The event hk.js sends for a click on `href`: [name, the reported url], or null. */
  const click = (href: string, o: { download?: boolean; downloads?: boolean; outbound?: boolean } = {}) => {
    const link = new URL(href, `https://${page}/here`)
    const name = classifyLink(link, page, o.download ?? false, o.downloads ?? true, o.outbound ?? true)
    return name && [name, link.origin + link.pathname]
  }

  test('another host is outbound; www. and the port do not make a host different', () => {
    expect(click('https://partner.example/pricing?ref=1#plans')).toEqual([
      'outbound_click',
      'https://partner.example/pricing',
    ])
    expect(click('https://blog.shop.example/post')).toEqual(['outbound_click', 'https://blog.shop.example/post'])
    expect(click('https://www.shop.example/about')).toBeNull()
    expect(click('http://shop.example:8080/about')).toBeNull()
    expect(click('/about')).toBeNull()
  })

  test('only http(s) links count', () => {
    for (const href of ['mailto:a@shop.example', 'tel:+123', 'javascript:void(0)', 'ftp://files.example/x.zip'])
      expect(click(href)).toBeNull()
  })

  test('downloads: common extensions (any case) and download links; a download wins over outbound', () => {
    expect(click('/files/Report.PDF?x=1')).toEqual(['file_download', 'https://shop.example/files/Report.PDF'])
    expect(click('https://cdn.example/app.dmg')).toEqual(['file_download', 'https://cdn.example/app.dmg'])
    expect(click('/export', { download: true })).toEqual(['file_download', 'https://shop.example/export'])
    expect(click('/docs/guide.html')).toBeNull()
    expect(click('/files/pdf')).toBeNull()
  })

  test('each kind is off unless listed in data-track', () => {
    expect(click('/files/a.zip', { downloads: false })).toBeNull()
    expect(click('https://cdn.example/a.zip', { downloads: false })).toEqual([
      'outbound_click',
      'https://cdn.example/a.zip',
    ])
    expect(click('https://partner.example/', { outbound: false })).toBeNull()
  })

  test('data-hk-prop-* attributes become props; other attributes do not', () => {
    const list = [
      { name: 'data-hk-event', value: 'cta' },
      { name: 'data-hk-prop-location', value: 'footer' },
      { name: 'data-hk-prop-billing-cycle', value: 'yearly' },
      { name: 'class', value: 'btn' },
    ]
    expect(propsOf(list)).toEqual({ location: 'footer', 'billing-cycle': 'yearly' })
  })

  test("a form's action path, the page's own path when it has none", () => {
    expect(actionPath('/subscribe?x=1', 'https://shop.example/p')).toBe('/subscribe')
    expect(actionPath('https://other.example/f', 'https://shop.example/p')).toBe('/f')
    expect(actionPath(null, 'https://shop.example/contact?x')).toBe('/contact')
    expect(actionPath('', 'https://shop.example/contact')).toBe('/contact')
  })
})

describe('per-tab session id', () => {
  function tab(uuids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222']) {
    const items = new Map<string, string>()
    const sessionStorage: StorageLike = {
      getItem: (k) => items.get(k) ?? null,
      setItem: (k, v) => void items.set(k, v),
    }
    return { items, w: { sessionStorage, crypto: { randomUUID: () => uuids.shift()! } } }
  }

  test('one id per tab, kept while active, renewed after 30 minutes without an event', () => {
    const { w, items } = tab()
    const t0 = 1_700_000_000_000
    expect(sessionId(w, t0)).toBe('11111111-1111-4111-8111-111111111111')
    expect(sessionId(w, t0 + SESSION_IDLE_MS)).toBe('11111111-1111-4111-8111-111111111111')
    expect(sessionId(w, t0 + 2 * SESSION_IDLE_MS)).toBe('11111111-1111-4111-8111-111111111111')
    expect(items.get(SESSION_KEY)).toBe(`11111111-1111-4111-8111-111111111111.${t0 + 2 * SESSION_IDLE_MS}`)
    expect(sessionId(w, t0 + 3 * SESSION_IDLE_MS + 1)).toBe('22222222-2222-4222-8222-222222222222')
  })

  test('a damaged entry starts a new id', () => {
    const { w, items } = tab()
    items.set(SESSION_KEY, 'garbage')
    expect(sessionId(w, 1)).toBe('11111111-1111-4111-8111-111111111111')
  })

  test('no id without sessionStorage (sandboxed frame) or randomUUID (an http page)', () => {
    const blocked = {
      get sessionStorage(): StorageLike {
        throw new Error('SecurityError')
      },
      crypto: { randomUUID: () => 'x' },
    }
    expect(sessionId(blocked, 1)).toBeUndefined()
    const { w, items } = tab()
    const plainHttp = { sessionStorage: w.sessionStorage, crypto: {} }
    expect(sessionId(plainHttp, 1)).toBeUndefined()
    expect(items.size).toBe(0)
  })
})
