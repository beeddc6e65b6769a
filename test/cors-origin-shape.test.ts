/**
 * The ingest routes echo an `Origin` only when it has the shape of one — `scheme://host[:port]`, a host of
 * at most 253 characters, or `null` (src/net/origin.ts). Anything else is answered without CORS headers,
 * and the request is processed as before.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { isPlausibleOrigin, MAX_ORIGIN_LENGTH } from '../src/net/origin.js'
import { addSite, startServer, tempDataDir, waitFor, type ServerProcess } from './helpers/server.js'
import { send } from './helpers/http.js'

describe('the rule', () => {
  const host253 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}` // 253 characters
  test.each([
    'https://example.com',
    'https://www.example.com',
    'http://localhost:5173',
    'http://127.0.0.1:8080',
    'https://[2001:db8::1]:8443',
    'https://xn--bcher-kva.example',
    'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
    'null',
    `https://${host253}`,
    `https://${host253}:65535`,
  ])('echoed: %s', (origin) => {
    expect(isPlausibleOrigin(origin)).toBe(true)
  })
  test.each([
    ['a 254-character host', `https://${host253}a`],
    ['over the longest origin', `https://${'a'.repeat(MAX_ORIGIN_LENGTH)}`],
    ['~125 KiB', `https://${'a'.repeat(125 * 1024)}.example`],
    ['no scheme', 'example.com'],
    ['no host', 'https://'],
    ['a path', 'https://example.com/'],
    ['a query', 'https://example.com?x'],
    ['user info', 'https://user@example.com'],
    ['a port of six digits', 'https://example.com:123456'],
    ['an empty port', 'https://example.com:'],
    ['a space', 'https://exa mple.com'],
    ['a list', 'https://a.example https://b.example'],
    ['a comma list', 'https://a.example,https://b.example'],
    ['non-ASCII (browsers send punycode)', 'https://bücher.example'],
    ['a scheme starting with a digit', '1http://example.com'],
    ['an unclosed IPv6 literal', 'https://[2001:db8::1'],
    ['"null" in other case', 'NULL'],
  ])('not echoed: %s', (_, origin) => {
    expect(isPlausibleOrigin(origin)).toBe(false)
  })
})

describe('on the wire', () => {
  const dir = tempDataDir()
  let server: ServerProcess
  let siteId: string
  beforeAll(async () => {
    siteId = addSite(dir.path, 'blog.example')
    server = await startServer(dir.path, ['-ingest-rate', '1000', '-ingest-burst', '1000'])
  })
  afterAll(async () => {
    await server?.stop()
    dir.remove()
  })

  // A browser's User-Agent: an Origin without one is taken for a bot and dropped.
  const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'
  const post = (origin: string, body: unknown) =>
    send(`${server.url}/ingest/event`, {
      body: JSON.stringify(body),
      headers: { Origin: origin, 'Content-Type': 'text/plain', 'User-Agent': CHROME },
    })
  const metric = async (line: RegExp) =>
    Number(line.exec((await send(`${server.url}/metrics`, { method: 'GET' })).text)?.[1] ?? 0)

  test('an Origin with a path is not echoed; its event is stored as before (the site found by its host)', async () => {
    const stored = /hitring_events_stored_total (\d+)/
    const before = await metric(stored)
    const a = await post('https://blog.example/pricing', { name: 'signup', url: 'https://blog.example/pricing' })
    expect(a.status).toBe(202)
    expect(a.headers['x-hitring-drop']).toBeUndefined()
    expect(a.headers['access-control-allow-origin']).toBeUndefined()
    expect(a.headers['access-control-allow-credentials']).toBeUndefined()
    await waitFor(async () => (await metric(stored)) === before + 1, 5000, 'the event stored')
  })

  test('a 3 KiB Origin is not echoed: still an unknown site origin, dropped visibly', async () => {
    const a = await post(`https://${'a'.repeat(3 * 1024)}.example`, { name: 'x', url: 'https://blog.example/' })
    expect(a.status).toBe(202)
    expect(a.headers['x-hitring-drop']).toBe('unknown_site_origin')
    expect(a.headers['access-control-allow-origin']).toBeUndefined()
  })

  test('an error answer to a garbage Origin has no CORS headers either; with site_id the event is taken', async () => {
    const bad = await post('https://a.example https://b.example', { name: 'x' })
    expect(bad.status).toBe(400)
    expect(bad.json().code).toBe('invalid_field')
    expect(bad.headers['access-control-allow-origin']).toBeUndefined()
    const ok = await post('https://a.example https://b.example', {
      site_id: siteId,
      name: 'x',
      url: 'https://blog.example/',
    })
    expect(ok.status).toBe(202)
    expect(ok.headers['access-control-allow-origin']).toBeUndefined()
  })

  test('a usual Origin and `null` are echoed as before', async () => {
    for (const origin of ['https://blog.example', 'https://www.blog.example', 'null']) {
      const a = await post(origin, { site_id: siteId, name: 'x', url: 'https://blog.example/' })
      expect(a.status).toBe(202)
      expect(a.headers['access-control-allow-origin']).toBe(origin)
      expect(a.headers.vary).toBe('Origin')
    }
  })

  test('a preflight from a garbage Origin: 204 without CORS headers (the browser then sends nothing)', async () => {
    const pre = (origin: string) =>
      send(`${server.url}/ingest/event`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      })
    const garbage = await pre(`https://${'a'.repeat(300)}.example`)
    expect(garbage.status).toBe(204)
    expect(garbage.headers['access-control-allow-origin']).toBeUndefined()
    expect(garbage.headers['access-control-allow-methods']).toBeUndefined()
    const usual = await pre('https://blog.example')
    expect(usual.headers['access-control-allow-origin']).toBe('https://blog.example')
  })
})
