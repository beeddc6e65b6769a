import { describe, expect, test } from 'vitest'
import { BoundedCache, isBotUserAgent, isBotUserAgentCached, isPrefetch } from '../src/enrich/bots.js'
import { classifyUserAgent, classifyUserAgentUncached, screenClass } from '../src/enrich/user-agent.js'

const UA = {
  chromeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 ' +
    'Mobile/15E148 Safari/604.1',
  safariIpad:
    'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 ' +
    'Mobile/15E148 Safari/604.1',
  safariMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 ' +
    'Safari/605.1.15',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  firefoxUbuntu: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  firefoxAndroid: 'Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0',
  edge:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 ' +
    'Safari/537.36 Edg/124.0.2478.51',
  opera:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 ' +
    'Safari/537.36 OPR/110.0.0.0',
  samsungTablet:
    'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 ' +
    'Chrome/117.0.0.0 Safari/537.36',
  samsungPhone:
    'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 ' +
    'Chrome/117.0.0.0 Mobile Safari/537.36',
  chromeAndroid:
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  chromeIos:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
    'CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1',
  chromeOs:
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  ie11: 'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko',
  ps5: 'Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)',
  smartTv:
    'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 ' +
    'Chrome/76.0.3809.146 TV Safari/537.36',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  googlebotSmartphone:
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) ' +
    'Chrome/124.0.6367.91 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  bingbot: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  gptbot: 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)',
  headlessChrome:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.60 Safari/537.36',
  phantomjs: 'Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1',
  electron:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) scraper/1.0.0 ' +
    'Chrome/120.0.6099.291 Electron/28.3.3 Safari/537.36',
  lighthouse:
    'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 ' +
    'Mobile Safari/537.36 Chrome-Lighthouse',
  curl: 'curl/8.5.0',
  pythonRequests: 'python-requests/2.31.0',
  node: 'node',
}

describe('classifyUserAgent', () => {
  test.each([
    ['chromeWindows', 'Chrome', 'Windows', 'desktop'],
    ['safariIphone', 'Safari', 'iOS', 'mobile'],
    ['safariIpad', 'Safari', 'iOS', 'tablet'],
    ['safariMac', 'Safari', 'macOS', 'desktop'],
    ['firefoxLinux', 'Firefox', 'Linux', 'desktop'],
    ['firefoxUbuntu', 'Firefox', 'Linux', 'desktop'],
    ['firefoxAndroid', 'Firefox', 'Android', 'mobile'],
    ['edge', 'Edge', 'Windows', 'desktop'],
    ['opera', 'Opera', 'Windows', 'desktop'],
    ['samsungTablet', 'Samsung Internet', 'Android', 'tablet'],
    ['samsungPhone', 'Samsung Internet', 'Android', 'mobile'],
    ['chromeAndroid', 'Chrome', 'Android', 'mobile'],
    ['chromeIos', 'Chrome', 'iOS', 'mobile'],
    ['chromeOs', 'Chrome', 'ChromeOS', 'desktop'],
    ['ie11', 'Internet Explorer', 'Windows', 'desktop'],
    ['ps5', 'WebKit', 'PlayStation', 'other'],
    ['smartTv', 'Samsung Internet', 'Tizen', 'other'],
    ['googlebot', 'Unknown', 'Unknown', 'other'],
    ['curl', 'Unknown', 'Unknown', 'other'],
  ] as const)('%s → %s / %s / %s', (name, browser, os, device) => {
    const ua = UA[name]
    expect(classifyUserAgent(ua)).toEqual({ browser, os, device })
    expect(classifyUserAgentUncached(ua)).toEqual({ browser, os, device })
  })

  test.each([[''], ['   '], ['asdf qwer'], ['Mozilla/5.0'], ['\u0000\uD800'], [undefined], [null], [42]])(
    '%j → Unknown',
    (ua) => {
      expect(classifyUserAgent(ua as unknown as string)).toEqual({ browser: 'Unknown', os: 'Unknown', device: 'other' })
    },
  )

  test('cached: the same frozen object comes back', () => {
    const a = classifyUserAgent(UA.edge)
    expect(classifyUserAgent(UA.edge)).toBe(a)
    expect(Object.isFrozen(a)).toBe(true)
  })

  test('long and hostile UAs are bounded', () => {
    const t0 = performance.now()
    expect(classifyUserAgent(UA.chromeWindows + ' '.repeat(1_000_000)).browser).toBe('Chrome')
    for (let i = 0; i < 200; i++) classifyUserAgent(`Mozilla/5.0 (${'('.repeat(5000)}${i}`)
    expect(performance.now() - t0).toBeLessThan(2000)
  })
})

describe('isBotUserAgent', () => {
  test.each([
    ['googlebot', true],
    ['googlebotSmartphone', true],
    ['bingbot', true],
    ['gptbot', true],
    ['headlessChrome', true],
    ['phantomjs', true],
    ['electron', true],
    ['lighthouse', true],
    // Library UAs ARE reported as bots: the caller must not apply the check to backend events (no
    // Origin header) — see the JSDoc of isBotUserAgent.
    ['curl', true],
    ['pythonRequests', true],
    ['node', true],
    ['chromeWindows', false],
    ['safariIphone', false],
    ['safariIpad', false],
    ['firefoxLinux', false],
    ['edge', false],
    ['samsungTablet', false],
    ['samsungPhone', false],
  ] as const)('%s → %s', (name, bot) => {
    expect(isBotUserAgent(UA[name])).toBe(bot)
    expect(isBotUserAgentCached(UA[name])).toBe(bot)
    expect(isBotUserAgentCached(UA[name])).toBe(bot) // from the cache this time
  })

  test.each([[''], ['  \t'], [undefined], [null], [7]])('empty or non-string %j → bot', (ua) => {
    expect(isBotUserAgent(ua as unknown as string)).toBe(true)
    expect(isBotUserAgentCached(ua as unknown as string)).toBe(true)
  })

  test('only the first 1 KiB is examined', () => {
    expect(isBotUserAgent(`${UA.chromeWindows}${' '.repeat(2000)}Googlebot/2.1`)).toBe(false)
    expect(isBotUserAgent(' '.repeat(2000) + UA.chromeWindows)).toBe(true) // blank within the window
  })
})

describe('isPrefetch', () => {
  test.each([
    ['prefetch', '', '', true],
    ['prefetch;prerender', '', '', true],
    ['Prefetch; anonymous-client-ip', '', '', true],
    [' prefetch ', '', '', true],
    ['', 'prefetch', '', true],
    ['', '', 'prefetch', true],
    ['', '', '', false],
    ['prerender', '', '', false],
    ['prefetcher', '', '', false],
    [`${'x'.repeat(10_000)},prefetch`, '', '', false],
  ])('Sec-Purpose %j, Purpose %j, X-Moz %j → %s', (a, b, c, want) => {
    expect(isPrefetch(a, b, c)).toBe(want)
  })

  test('non-strings are not prefetch', () => {
    expect(isPrefetch(undefined as unknown as string, null as unknown as string, 1 as unknown as string)).toBe(false)
  })
})

describe('screenClass', () => {
  test.each([
    [undefined, ''],
    [0, ''],
    [-5, ''],
    [Number.NaN, ''],
    [Number.POSITIVE_INFINITY, ''],
    [320, 'mobile'],
    [575, 'mobile'],
    [576, 'tablet'],
    [991, 'tablet'],
    [992, 'laptop'],
    [1439, 'laptop'],
    [1440, 'desktop'],
    [3840, 'desktop'],
  ])('%s → %j', (w, want) => {
    expect(screenClass(w)).toBe(want)
  })
})

describe('BoundedCache', () => {
  test('never exceeds its capacity and evicts the oldest first', () => {
    const c = new BoundedCache<number>(3)
    for (let i = 0; i < 10; i++) c.set(`k${i}`, i)
    expect(c.size).toBe(3)
    expect(c.get('k6')).toBeUndefined()
    expect([c.get('k7'), c.get('k8'), c.get('k9')]).toEqual([7, 8, 9])
  })

  test('an entry read after many inserts is refreshed and survives eviction', () => {
    const c = new BoundedCache<number>(4)
    c.set('hot', 1)
    c.set('a', 0)
    c.set('b', 0)
    c.set('c', 0) // full: hot, a, b, c
    expect(c.get('hot')).toBe(1) // older than capacity/2 inserts: moved to the young end
    c.set('d', 0) // evicts a, not hot
    c.set('e', 0) // evicts b
    expect(c.get('hot')).toBe(1)
    expect(c.get('a')).toBeUndefined()
  })

  test('rejects a bad capacity', () => {
    expect(() => new BoundedCache(0)).toThrow(RangeError)
  })
})
