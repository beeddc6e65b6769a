/** `hitring site add|list` — how sites are created until the REST API exists. */
import { spawnSync } from 'node:child_process'
import { afterAll, expect, test } from 'vitest'
import { addSite, CLI, tempDataDir } from './helpers/server.js'

const dir = tempDataDir()
afterAll(() => dir.remove())
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args, '-data-path', dir.path], { encoding: 'utf8' })

test('site add prints a UUID; site list shows it; domains are lower-cased', () => {
  const id = addSite(dir.path, 'Example.COM', ['--timezone', 'Europe/Berlin'])
  expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  const list = run('site', 'list')
  expect(list.status).toBe(0)
  expect(list.stdout).toContain(`${id}\texample.com\tEurope/Berlin\t`)
})

test.each([
  [['https://example.org'], /not a URL/],
  [['example.org/path'], /not a URL/],
  [['www.example.org'], /www\./],
  [['exa mple.org'], /valid domain/],
  [['example.com'], /exists already/],
  [['ok.example', '--timezone', 'Mars/Olympus'], /IANA time zone/],
])('site add %j is refused with a clear message and exit code 2', (args, message) => {
  const r = run('site', 'add', ...args)
  expect(r.status).toBe(2)
  expect(r.stderr).toMatch(message)
})
