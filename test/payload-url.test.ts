import { describe, expect, test } from 'vitest'
import { isPlainHttpUrl } from '../src/ingest/payload.js'

/** The fast path may only say yes where URL.canParse says yes (a no just falls back to it). */
function expectSound(url: string): void {
  if (isPlainHttpUrl(url)) expect(URL.canParse(url), url).toBe(true)
}

describe('isPlainHttpUrl', () => {
  test.each([
    ['https://example.com/checkout/success', true],
    ['http://example.com', true],
    ['HTTPS://example.com?q=1', true],
    ['https://a-b.c-d.example#top', true],
    ['https://localhost/', true],
    ['https://-a.b-/x', true],
    ['https://a--b.c/', true],
    ['https://www.example.com/%zz/\u00e9?x=\ud800#\t', true],
    ['https://example.com:8080/', false],
    ['https://user@example.com/', false],
    ['https://Example.com/', false],
    ['https://xn--nxasmq6b.com/', false],
    ['https://a.xn--b/', false],
    ['https://xn--/', false],
    ['https://1.2.3.4/', false],
    ['https://a.b.09/', false],
    ['https://a.0x1/', false],
    ['https://a.b./', false],
    ['https://a..b/', false],
    ['https://.a/', false],
    ['https:///example.com/', false],
    ['https://', false],
    ['https://exa mple.com/', false],
    ['https://exa\tmple.com/', false],
    ['https://example.com\\path', false],
    ['https://ex%41mple.com/', false],
    ['https://bücher.de/', false],
  ])('%s → %s', (url, plain) => {
    expect(isPlainHttpUrl(url)).toBe(plain)
    expectSound(url)
  })

  test('never accepts what URL.canParse refuses (200,000 random hosts)', () => {
    let seed = 0x2545f491
    const rand = (n: number): number => {
      seed ^= seed << 13
      seed ^= seed >>> 17
      seed ^= seed << 5
      return (seed >>> 0) % n
    }
    const alphabet = 'abnx09-.-..xn--1e'
    const tails = ['', '/', '/p?q#f', '?', '#', ':80/', '@h/', '\\x']
    let plain = 0
    for (let k = 0; k < 200_000; k++) {
      let host = ''
      const len = rand(12)
      for (let i = 0; i < len; i++) host += alphabet[rand(alphabet.length)]
      if (rand(50) === 0) host = `${'a'.repeat(64 + rand(300))}.${host}`
      const url = `${rand(2) ? 'https' : 'http'}://${host}${tails[rand(tails.length)]}`
      if (isPlainHttpUrl(url)) plain++
      expectSound(url)
    }
    expect(plain).toBeGreaterThan(20_000) // the fast path is taken often enough to be tested
  })
})
