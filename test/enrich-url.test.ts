import { describe, expect, test } from 'vitest'
import { cutChars, MAX_PATH_CHARS, MAX_URL_CHARS, MAX_VALUE_CHARS, parsePageUrl } from '../src/enrich/url.js'

describe('parsePageUrl: hostname and path', () => {
  test.each([
    ['https://example.com/checkout/success', 'example.com', '/checkout/success'],
    ['https://www.Example.COM/a/b?x=1#frag', 'example.com', '/a/b'],
    ['http://example.com', 'example.com', '/'],
    ['http://example.com?utm_source=x', 'example.com', '/'],
    ['HTTPS://EXAMPLE.com/Case/Kept', 'example.com', '/Case/Kept'],
    ['https://example.com:8443/p', 'example.com', '/p'],
    ['https://example.com./p', 'example.com', '/p'],
    ['https://www.www.example.com/', 'www.example.com', '/'], // one leading www. only
    ['https://www/', 'www', '/'],
    ['https://blog.example.co.uk/post/', 'blog.example.co.uk', '/post/'],
    ['https://user:pw@example.com/p', 'example.com', '/p'],
    ['https://bücher.example/x', 'xn--bcher-kva.example', '/x'],
    ['https://[::1]:8080/x', '[::1]', '/x'],
    ['https://127.0.0.1/x', '127.0.0.1', '/x'],
    ['https://example.com/caf%C3%A9', 'example.com', '/caf%C3%A9'], // escapes are not decoded
    ['https://example.com/café', 'example.com', '/caf%C3%A9'], // raw characters are encoded: same key
    ['https://example.com/a b', 'example.com', '/a%20b'],
    ['https://example.com/a/../b/./c', 'example.com', '/b/c'],
    ['https://example.com/a%00b', 'example.com', '/a%00b'],
    ['https://example.com/a\u0000b', 'example.com', '/a%00b'], // a raw NUL never reaches the path
    ['https://example.com/a\\b', 'example.com', '/a/b'],
    ['https://example.com/#/spa/route', 'example.com', '/'],
  ])('%s → %s %s', (url, hostname, path) => {
    const r = parsePageUrl(url)
    expect(r).not.toBeNull()
    expect(r!.hostname).toBe(hostname)
    expect(r!.path).toBe(path)
    expect(r!.path).not.toContain('\u0000')
  })

  test.each([
    [''],
    ['/relative/path'],
    ['example.com/x'],
    ['//example.com/x'],
    ['ftp://example.com/x'],
    ['javascript:alert(1)'],
    ['data:text/html,<b>x</b>'],
    ['file:///etc/passwd'],
    ['http:/example.com'],
    ['https://'],
    ['https://exa mple.com/'],
    [' https://example.com/'],
    ['https://example.com:99999/'],
  ])('%j → null', (url) => {
    expect(parsePageUrl(url)).toBeNull()
  })

  test.each([[undefined], [null], [42], [{}], [['https://example.com/']]])('non-string %j → null', (v) => {
    expect(parsePageUrl(v as unknown as string)).toBeNull()
  })

  test('a long path is cut to MAX_PATH_CHARS', () => {
    const r = parsePageUrl(`https://example.com/${'a'.repeat(5000)}`)
    expect(r!.path.length).toBe(MAX_PATH_CHARS)
  })
})

describe('parsePageUrl: UTM and tagged source', () => {
  const base = 'https://example.com/landing?'
  test.each([
    [
      'utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=top',
      { source: 'news', medium: 'email', campaign: 'spring', term: 'shoes', content: 'top' },
    ],
    ['utm_source=a+b%20c', { source: 'a b c' }],
    ['utm_source=%20%20padded%09', { source: 'padded' }],
    ['utm_source=first&utm_source=second', { source: 'first' }],
    ['utm_source=a%00b', { source: 'a\uFFFDb' }],
    ['utm_source=%E0%A4%A', { source: '\uFFFD%A' }], // malformed escapes do not throw
    ['UTM_SOURCE=upper', { source: '' }], // parameter names are case-sensitive, as everywhere
    ['x=1', {}],
  ])('?%s', (query, want) => {
    const r = parsePageUrl(base + query)
    expect(r!.utm).toEqual({ source: '', medium: '', campaign: '', term: '', content: '', ...want })
  })

  // Precedence of the tagged source: utm_source > source > ref, first non-empty after trimming.
  test.each([
    ['utm_source=u&source=s&ref=r', 'u'],
    ['ref=r&source=s', 's'],
    ['ref=r', 'r'],
    ['utm_source=&source=&ref=r', 'r'],
    ['utm_source=%20&ref=r', 'r'],
    ['source=producthunt', 'producthunt'],
    ['ref=', ''],
    ['', ''],
  ])('?%s → ref %j', (query, ref) => {
    expect(parsePageUrl(base + query)!.ref).toBe(ref)
  })

  test('values are cut to MAX_VALUE_CHARS without splitting a surrogate pair', () => {
    const long = `${'x'.repeat(MAX_VALUE_CHARS - 1)}😀${'y'.repeat(50)}`
    const r = parsePageUrl(`${base}utm_campaign=${encodeURIComponent(long)}&ref=${encodeURIComponent(long)}`)!
    expect(r.utm.campaign).toBe('x'.repeat(MAX_VALUE_CHARS - 1))
    expect(r.ref).toBe('x'.repeat(MAX_VALUE_CHARS - 1))
    expect(parsePageUrl(`${base}utm_term=${'z'.repeat(1000)}`)!.utm.term.length).toBe(MAX_VALUE_CHARS)
  })

  test('pathological inputs are bounded and never throw', () => {
    const t0 = performance.now()
    const many = `https://example.com/?${'utm_source=a&'.repeat(600)}` // ~7.8k chars, 600 parameters
    expect(many.length).toBeLessThanOrEqual(MAX_URL_CHARS)
    expect(parsePageUrl(many)!.utm.source).toBe('a')
    expect(parsePageUrl(`https://example.com/?${'utm_source=a&'.repeat(100_000)}`)).toBeNull() // over MAX_URL_CHARS
    expect(parsePageUrl(`https://${'a.'.repeat(50_000)}com/`)).toBeNull()
    expect(parsePageUrl(`https://${'a.'.repeat(200)}com/`)).toBeNull() // a hostname over 253 chars
    expect(parsePageUrl(`https://example.com/${'%'.repeat(8000)}`)!.path.length).toBe(MAX_PATH_CHARS)
    expect(performance.now() - t0).toBeLessThan(500)
  })
})

describe('cutChars', () => {
  test.each([
    ['abc', 5, 'abc'],
    ['abcdef', 3, 'abc'],
    ['ab😀', 3, 'ab'],
    ['ab😀', 4, 'ab😀'],
  ])('%j cut to %i → %j', (s, n, want) => {
    expect(cutChars(s, n)).toBe(want)
  })
})
