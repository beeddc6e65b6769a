/** Nothing personal on disk: the raw client IP and User-Agent never reach the LMDB files. */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { addSite, startServer, tempDataDir, waitFor } from './helpers/server.js'
import { send } from './helpers/http.js'
import { storedEventCount } from './helpers/store.js'

const dir = tempDataDir()
afterAll(() => dir.remove())

test('after storing events, the LMDB files hold neither client IPs nor User-Agent, as text or bytes', async () => {
  const siteId = addSite(dir.path, 'private.example')
  const server = await startServer(dir.path, ['-trusted-proxies', '127.0.0.1/32'])
  const ips = ['198.51.100.23', '2001:db8:abcd:12::77']
  const ua =
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 ' +
    'HitringPrivacyProbe/7.1'
  try {
    for (const ip of ips) {
      for (const path of ['/ingest', '/ingest/event']) {
        const a = await send(`${server.url}${path}`, {
          body: JSON.stringify({
            site_id: siteId,
            name: 'probe',
            url: 'https://private.example/p',
            session_id: undefined,
          }),
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': ua,
            'X-Forwarded-For': ip,
            Origin: 'https://private.example',
          },
        })
        expect(a.status).toBe(202)
        expect(a.headers['x-hitring-drop']).toBeUndefined()
      }
    }
    await waitFor(() => storedEventCount(dir.path) === 4, 2000, 'four events stored')
  } finally {
    expect(await server.stop()).toBe(0)
  }
  const files = readdirSync(dir.path).map((f) => readFileSync(join(dir.path, f)))
  expect(files.length).toBeGreaterThan(0)
  const needles = [
    ...ips.map((ip) => Buffer.from(ip)),
    Buffer.from(ua),
    Buffer.from('HitringPrivacyProbe'),
    Buffer.from([198, 51, 100, 23]),
    Buffer.from('20010db8abcd0012', 'hex'),
  ]
  for (const file of files) for (const needle of needles) expect(file.includes(needle)).toBe(false)
})
