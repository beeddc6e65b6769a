import { describe, expect, test } from 'vitest'
import { classifyReferrer, registrableIsh } from '../src/enrich/referrer.js'
import { SOURCE_TABLE, sourceForHost } from '../src/enrich/sources.js'

const PAGE = 'shop.example.com'
const SITE = 'example.com'

describe('classifyReferrer: external sources', () => {
  test.each([
    ['https://www.google.com/', 'google.com', 'Google'],
    ['https://www.google.co.uk/search?q=x', 'google.co.uk', 'Google'],
    ['https://google.de/', 'google.de', 'Google'],
    ['https://www.google.com.br/', 'google.com.br', 'Google'],
    ['https://news.google.com/articles/x', 'news.google.com', 'Google'],
    ['https://gemini.google.com/app', 'gemini.google.com', 'Gemini'],
    ['https://mail.google.com/mail/u/0/', 'mail.google.com', 'Gmail'],
    ['android-app://com.google.android.gm/', 'com.google.android.gm', 'Gmail'],
    [
      'android-app://com.google.android.googlequicksearchbox/https/www.google.com',
      'com.google.android.googlequicksearchbox',
      'Google',
    ],
    ['https://www.bing.com/search?q=x', 'bing.com', 'Bing'],
    ['https://cn.bing.com/', 'cn.bing.com', 'Bing'],
    ['https://duckduckgo.com/', 'duckduckgo.com', 'DuckDuckGo'],
    ['https://search.yahoo.com/', 'search.yahoo.com', 'Yahoo'],
    ['https://search.yahoo.co.jp/', 'search.yahoo.co.jp', 'Yahoo'],
    ['https://yandex.ru/search/', 'yandex.ru', 'Yandex'],
    ['https://yandex.com.tr/', 'yandex.com.tr', 'Yandex'],
    ['https://www.baidu.com/link?url=x', 'baidu.com', 'Baidu'],
    ['https://www.ecosia.org/search', 'ecosia.org', 'Ecosia'],
    ['https://search.brave.com/search?q=x', 'search.brave.com', 'Brave Search'],
    ['https://www.perplexity.ai/', 'perplexity.ai', 'Perplexity'],
    ['https://chatgpt.com/', 'chatgpt.com', 'ChatGPT'],
    ['https://chat.openai.com/c/123', 'chat.openai.com', 'ChatGPT'],
    ['https://claude.ai/chat/1', 'claude.ai', 'Claude'],
    ['https://l.facebook.com/l.php?u=x', 'l.facebook.com', 'Facebook'],
    ['https://m.facebook.com/', 'm.facebook.com', 'Facebook'],
    ['https://t.co/abc123', 't.co', 'Twitter'],
    ['https://x.com/someone/status/1', 'x.com', 'Twitter'],
    ['https://twitter.com/', 'twitter.com', 'Twitter'],
    ['https://www.linkedin.com/feed/', 'linkedin.com', 'LinkedIn'],
    ['https://lnkd.in/abc', 'lnkd.in', 'LinkedIn'],
    ['https://old.reddit.com/r/programming/', 'old.reddit.com', 'Reddit'],
    ['https://news.ycombinator.com/item?id=1', 'news.ycombinator.com', 'Hacker News'],
    ['https://github.com/owner/repo', 'github.com', 'GitHub'],
    ['https://www.youtube.com/watch?v=x', 'youtube.com', 'YouTube'],
    ['https://youtu.be/x', 'youtu.be', 'YouTube'],
    ['https://l.instagram.com/?u=x', 'l.instagram.com', 'Instagram'],
    ['https://www.pinterest.co.uk/pin/1/', 'pinterest.co.uk', 'Pinterest'],
    ['https://WWW.GOOGLE.COM:443/', 'google.com', 'Google'],
  ])('%s → host %s, source %s', (referrer, host, source) => {
    expect(classifyReferrer(referrer, PAGE, SITE)).toEqual({ host, source, internal: false })
  })

  test.each([
    ['https://blog.other.org/post', 'blog.other.org', 'other.org'],
    ['https://www.other.org/', 'other.org', 'other.org'],
    ['https://a.b.news.bbc.co.uk/x', 'a.b.news.bbc.co.uk', 'bbc.co.uk'],
    ['https://alice.github.io/notes', 'alice.github.io', 'alice.github.io'],
    ['https://google.evil.com/', 'google.evil.com', 'evil.com'], // google.* needs a country suffix
    ['https://notgoogle.com/', 'notgoogle.com', 'notgoogle.com'],
    ['https://192.168.1.10:8080/', '192.168.1.10', '192.168.1.10'],
    ['https://[2001:db8::1]/', '[2001:db8::1]', '[2001:db8::1]'],
    ['http://user:pw@other.org/', 'other.org', 'other.org'],
    ['https://xn--bcher-kva.example/', 'xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['https://bücher.example/', 'xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['other.org/some/page', 'other.org', 'other.org'], // no scheme: taken as a bare host
    ['android-app://com.example.app/', 'com.example.app', 'com.example.app'],
  ])('%s → host %s, source %s (no table entry)', (referrer, host, source) => {
    expect(classifyReferrer(referrer, PAGE, SITE)).toEqual({ host, source, internal: false })
  })
})

describe('classifyReferrer: direct and internal', () => {
  const direct = { host: '', source: '', internal: false }
  const internal = { host: '', source: '', internal: true }
  test.each([
    ['', PAGE, SITE, direct],
    ['   ', PAGE, SITE, direct],
    ['about:blank', PAGE, SITE, direct],
    ['mailto:someone@other.org', PAGE, SITE, direct],
    ['localhost:3000/x', PAGE, SITE, { host: 'localhost', source: 'localhost', internal: false }],
    ['file:///C:/x.html', PAGE, SITE, direct],
    ['https://', PAGE, SITE, direct],
    ['not a referrer at all', PAGE, SITE, direct],
    ['https://shop.example.com/cart', PAGE, SITE, internal],
    ['https://www.shop.example.com/', PAGE, SITE, internal],
    ['https://example.com/', PAGE, SITE, internal],
    ['https://www.example.com/', PAGE, SITE, internal],
    ['https://blog.example.com/', PAGE, SITE, internal],
    ['https://a.b.example.com/', PAGE, SITE, internal],
    ['https://shop.example.com/', 'www.shop.example.com', '', internal],
    ['https://example.com/', 'example.com', 'WWW.Example.com', internal],
    ['https://notexample.com/', PAGE, SITE, { host: 'notexample.com', source: 'notexample.com', internal: false }],
    [
      'https://example.com.evil.net/',
      PAGE,
      SITE,
      { host: 'example.com.evil.net', source: 'evil.net', internal: false },
    ],
    ['https://other.org/', '', '', { host: 'other.org', source: 'other.org', internal: false }],
  ])('%j on page %s of site %s', (referrer, page, site, want) => {
    expect(classifyReferrer(referrer, page, site)).toEqual(want)
  })

  test('results are fresh objects (callers may mutate them)', () => {
    const a = classifyReferrer('', PAGE, SITE)
    a.host = 'changed'
    expect(classifyReferrer('', PAGE, SITE).host).toBe('')
  })
})

describe('classifyReferrer: hostile input never throws', () => {
  test.each([
    [undefined],
    [null],
    [123],
    [`https://${'a.'.repeat(30_000)}com/`],
    [`https://example.com/${'x'.repeat(1_000_000)}`],
    [`android-app://${'x'.repeat(100_000)}`],
    ['\u0000\uFFFF\uD800'],
    ['http://[::1'],
    ['https://exa%mple.com/'],
  ])('%#', (referrer) => {
    const t0 = performance.now()
    const r = classifyReferrer(referrer as unknown as string, PAGE, SITE)
    expect(typeof r.host).toBe('string')
    expect(r.host.length).toBeLessThanOrEqual(253)
    expect(performance.now() - t0).toBeLessThan(200)
  })
})

describe('sources table', () => {
  test('has ~60+ entries, each with a lower-case domain and a name', () => {
    expect(SOURCE_TABLE.length).toBeGreaterThanOrEqual(60)
    for (const [domain, name] of SOURCE_TABLE) {
      expect(domain).toMatch(/^[a-z0-9.-]+(\.\*)?$/)
      expect(name.length).toBeGreaterThan(0)
    }
    expect(new Set(SOURCE_TABLE.map(([d]) => d)).size).toBe(SOURCE_TABLE.length)
  })

  test.each([
    ['google.com', 'Google'],
    ['a.b.c.d.e.f.g.h.i.j.k.google.com', 'Google'], // deep subdomains are matched by their tail
    ['google', ''],
    ['google.toolong', ''],
    ['', ''],
  ])('sourceForHost(%j) → %j', (host, name) => {
    expect(sourceForHost(host)).toBe(name)
  })

  test.each([
    ['example.com', 'example.com'],
    ['a.example.com', 'example.com'],
    ['a.example.co.uk', 'example.co.uk'],
    ['example.co.uk', 'example.co.uk'],
    ['a.b.example.com.au', 'example.com.au'],
    ['x.y.vercel.app', 'y.vercel.app'],
    ['localhost', 'localhost'],
    ['10.0.0.1', '10.0.0.1'],
  ])('registrableIsh(%s) → %s', (host, want) => {
    expect(registrableIsh(host)).toBe(want)
  })
})
