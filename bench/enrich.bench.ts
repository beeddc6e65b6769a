/**
 * Enrichment costs per event (src/enrich): classifyUserAgent and isBotUserAgent with and without their
 * caches, parsePageUrl, classifyReferrer and isSpamReferrer. Each task runs over a mix of real inputs,
 * BATCH operations per sample, so tinybench's per-call overhead does not swamp the result; the second
 * table gives ns per operation.
 *
 *   node esbuild.config.mjs && node dist/bench/enrich.bench.js
 * @module
 */
import { Bench } from 'tinybench'
import { isBotUserAgent, isBotUserAgentCached } from '../src/enrich/bots.js'
import { classifyReferrer } from '../src/enrich/referrer.js'
import { isSpamReferrer } from '../src/enrich/spam.js'
import { parsePageUrl } from '../src/enrich/url.js'
import { classifyUserAgent, classifyUserAgentUncached } from '../src/enrich/user-agent.js'

const BATCH = 200
const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 ' +
    'Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 ' +
    'Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 ' +
    'Safari/537.36 Edg/124.0.2478.51',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 ' +
    'Chrome/117.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
]
const URLS = [
  'https://example.com/checkout/success',
  'https://www.example.com/blog/2024/05/some-post-title?utm_source=newsletter&utm_medium=email&utm_campaign=may',
  'https://shop.example.co.uk/products/42?ref=producthunt#reviews',
  'https://example.com/',
]
const REFERRERS = [
  'https://www.google.com/',
  'https://news.ycombinator.com/item?id=40000000',
  'https://blog.someone.dev/posts/why-we-switched',
  'https://example.com/pricing',
  '',
]
const HOSTS = ['google.com', 'semalt.com', 'blog.someone.dev', 'forum.darodar.com', 'news.ycombinator.com']

// Sanity: the answers the benchmark relies on.
if (classifyUserAgent(UAS[0]!).browser !== 'Chrome') throw new Error('classifyUserAgent: unexpected answer')
if (!isBotUserAgent(UAS[7]!) || isBotUserAgent(UAS[0]!)) throw new Error('isBotUserAgent: unexpected answer')
if (parsePageUrl(URLS[1]!)?.utm.source !== 'newsletter') throw new Error('parsePageUrl: unexpected answer')
if (classifyReferrer(REFERRERS[0]!, 'example.com', 'example.com').source !== 'Google')
  throw new Error('classifyReferrer: unexpected answer')
if (!isSpamReferrer('semalt.com')) throw new Error('isSpamReferrer: list not loaded')

// In the drain worker every UA is a fresh string decoded from the ring, so its hash is not cached yet:
// the "fresh string" tasks decode from a Buffer each time; subtract the "decode only" baseline.
const UA_BUFS = UAS.map((ua) => Buffer.from(ua, 'latin1'))

let sink = 0
const bench = new Bench({ name: 'enrichment', time: 700, warmupTime: 200 })
bench
  .add('classifyUserAgent (cached, all hits)', () => {
    for (let i = 0; i < BATCH; i++) sink += classifyUserAgent(UAS[i % UAS.length]!).browser.length
  })
  .add('decode only (baseline for the fresh-string tasks)', () => {
    for (let i = 0; i < BATCH; i++) sink += UA_BUFS[i % UA_BUFS.length]!.toString('latin1').length
  })
  .add('classifyUserAgent (cached, fresh string)', () => {
    for (let i = 0; i < BATCH; i++)
      sink += classifyUserAgent(UA_BUFS[i % UA_BUFS.length]!.toString('latin1')).browser.length
  })
  .add('isBotUserAgent (cached, fresh string)', () => {
    for (let i = 0; i < BATCH; i++)
      sink += isBotUserAgentCached(UA_BUFS[i % UA_BUFS.length]!.toString('latin1')) ? 1 : 0
  })
  .add('classifyUserAgent (uncached: ua-parser-js)', () => {
    for (let i = 0; i < BATCH; i++) sink += classifyUserAgentUncached(UAS[i % UAS.length]!).browser.length
  })
  .add('isBotUserAgent (cached, all hits)', () => {
    for (let i = 0; i < BATCH; i++) sink += isBotUserAgentCached(UAS[i % UAS.length]!) ? 1 : 0
  })
  .add('isBotUserAgent (uncached: isbot + headless regex)', () => {
    for (let i = 0; i < BATCH; i++) sink += isBotUserAgent(UAS[i % UAS.length]!) ? 1 : 0
  })
  .add('parsePageUrl', () => {
    for (let i = 0; i < BATCH; i++) sink += parsePageUrl(URLS[i % URLS.length]!)?.path.length ?? 0
  })
  .add('classifyReferrer', () => {
    for (let i = 0; i < BATCH; i++)
      sink += classifyReferrer(REFERRERS[i % REFERRERS.length]!, 'example.com', 'example.com').source.length
  })
  .add('isSpamReferrer', () => {
    for (let i = 0; i < BATCH; i++) sink += isSpamReferrer(HOSTS[i % HOSTS.length]!) ? 1 : 0
  })
await bench.run()
console.log(`${bench.name} (${BATCH} ops per sample, node ${process.version})`)
console.table(bench.table())
console.table(
  bench.tasks.map((task) => {
    const r = task.result
    return { task: task.name, 'ns/op': r.state === 'completed' ? ((r.latency.mean * 1e6) / BATCH).toFixed(0) : r.state }
  }),
)
if (sink === 42) console.log('')
