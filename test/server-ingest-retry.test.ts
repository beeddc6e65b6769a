/**
 * "Retry it safely", for every outcome: a server item sent again with the same idempotency key is a
 * duplicate whether it was stored or dropped the first time — its drop is not counted twice in the
 * site's DROPPED rollup — also after a restart (the key is committed with the drop, as with an event).
 * Items without a key are counted each time, as they must be.
 */
import { spawnSync } from 'node:child_process'
import { afterAll, expect, test } from 'vitest'
import { call, createApiClient, GENEROUS, initialUser } from './helpers/api.js'
import {
  addSite,
  CLI,
  type ServerProcess,
  setSiteFilters,
  startServer,
  tempDataDir,
  waitFor,
} from './helpers/server.js'
import { storedEventCount, withStore } from './helpers/store.js'
import { breakdownDays } from '../src/query/kpis.js'
import { Metric } from '../src/store/metrics.js'
import { getSite } from '../src/store/sites.js'
import { StringKind, stringOf } from '../src/store/strings.js'
import { localBuckets } from '../src/store/buckets.js'

const dir = tempDataDir()
let server: ServerProcess | undefined
afterAll(async () => {
  await server?.stop()
  dir.remove()
})

const AT = Date.now() - 60_000
const item = (over: Record<string, unknown>) => ({
  url: 'https://shop.example/checkout/success',
  timestamp: new Date(AT).toISOString(),
  visitor_ip: '198.51.100.7',
  user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/140.0 Safari/537.36',
  name: 'purchase',
  ...over,
})
const batch = [
  item({ id: 'order-1' }), // stored
  item({ id: 'order-2', dnt: true }), // dropped: dnt
  item({ id: 'order-3', visitor_ip: '203.0.113.9' }), // dropped: excluded_ip
  item({ dnt: true }), // dropped, no key: counted every time
]

function dropped(siteId: string): Record<string, number> {
  return withStore(dir.path, (store) => {
    const site = getSite(store, siteId)!
    const day = localBuckets(site.timezone, AT).day
    return Object.fromEntries(
      [...breakdownDays(store, site.num, Metric.DROPPED, day, day)].map(([id, n]) => [
        stringOf(store, StringKind.DROP_REASON, id),
        n,
      ]),
    )
  })
}

test('a retried batch: stored and dropped items with a key are duplicates, restarted too; drops once', async () => {
  const siteId = addSite(dir.path, 'shop.example')
  setSiteFilters(dir.path, 'shop.example', ['--exclude-ips', '203.0.113.0/24'])
  server = await startServer(dir.path, GENEROUS)
  const cookie = await initialUser(server.url)
  const { token } = await createApiClient(server.url, cookie, [{ site_id: siteId, role: 'editor' }])
  const post = () => call(server!.url, 'POST', '/api/ingest/batch', { token }, batch)

  const first = await post()
  expect(first.status, first.text).toBe(202)
  expect(first.json()).toEqual({
    accepted: 4,
    rejected: [],
    duplicates: [],
    dropped: [
      { index: 1, reason: 'dnt' },
      { index: 2, reason: 'excluded_ip' },
      { index: 3, reason: 'dnt' },
    ],
  })
  // At once (keys still in memory) and after the drain (keys in LMDB): the same answer.
  const retried = { accepted: 1, rejected: [], duplicates: [0, 1, 2], dropped: [{ index: 3, reason: 'dnt' }] }
  expect((await post()).json()).toEqual(retried)
  await waitFor(() => storedEventCount(dir.path) === 1 && dropped(siteId).dnt === 3, 3000, 'the drain')
  expect((await post()).json()).toEqual(retried)
  await waitFor(() => dropped(siteId).dnt === 4, 3000, 'the third send')
  expect(dropped(siteId)).toEqual({ dnt: 4, excluded_ip: 1 })

  expect(await server.stop()).toBe(0)
  server = await startServer(dir.path, GENEROUS)
  const after = await call(server.url, 'POST', '/api/ingest/batch', { token }, batch)
  expect(after.json()).toEqual(retried)
  await waitFor(() => dropped(siteId).dnt === 5, 3000, 'the send after the restart')
  expect(dropped(siteId)).toEqual({ dnt: 5, excluded_ip: 1 })
  expect(storedEventCount(dir.path)).toBe(1)

  expect(await server.stop()).toBe(0)
  server = undefined
  const verify = spawnSync(process.execPath, [CLI, 'verify', '-data-path', dir.path], { encoding: 'utf8' })
  expect(verify.status, verify.stderr).toBe(0)
})
