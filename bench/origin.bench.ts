/**
 * What deciding whether to echo an `Origin` (src/net/origin.ts) costs every browser ingest answer, next
 * to what writeCors did before (echo anything but ''), and to a character scan of the same rule — side
 * by side in one run. Each origin is a fresh string made from bytes, as uWS hands a header over
 * (`getHeader` / `req.forEach` build a new string per call); making it is in every variant, so the
 * differences are the check. `echoesOrigin` remembers the origin it last accepted: measured with one
 * site's origin again and again (the usual run), and with four sites' in turn (every call a miss).
 * BATCH checks per sample, so tinybench's per-call overhead does not swamp them.
 *
 *   node esbuild.config.mjs && node dist/bench/origin.bench.js
 * @module
 */
import { Bench } from 'tinybench'
import { echoesOrigin } from '../src/http/origin.js'
import { isPlausibleOrigin, MAX_HOST_LENGTH, MAX_ORIGIN_LENGTH } from '../src/net/origin.js'

const BATCH = 200

const isAlpha = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90)
const isDigit = (c: number) => c >= 48 && c <= 57
const isHostChar = (c: number) => isAlpha(c) || isDigit(c) || c === 45 || c === 46 || c === 95
const isIpv6Char = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 58 || c === 46

/** The alternative: the same rule as a scan over the characters (no regular expression). */
function scan(origin: string): boolean {
  const n = origin.length
  if (n > MAX_ORIGIN_LENGTH) return false
  if (origin === 'null') return true
  if (n === 0 || !isAlpha(origin.charCodeAt(0))) return false
  let i = 1
  for (; i < n; i++) {
    const c = origin.charCodeAt(i)
    if (!(isAlpha(c) || isDigit(c) || c === 43 || c === 45 || c === 46)) break
  }
  if (i > 32 || origin.charCodeAt(i) !== 58 || origin.charCodeAt(i + 1) !== 47 || origin.charCodeAt(i + 2) !== 47)
    return false
  const hostAt = (i += 3)
  if (origin.charCodeAt(i) === 91) {
    for (i++; i < n && isIpv6Char(origin.charCodeAt(i)); i++);
    if (origin.charCodeAt(i) !== 93 || i - hostAt < 3 || i - hostAt > 46) return false
    i++
  } else {
    for (; i < n && isHostChar(origin.charCodeAt(i)); i++);
    if (i === hostAt || i - hostAt > MAX_HOST_LENGTH) return false
  }
  if (i === n) return true
  if (origin.charCodeAt(i) !== 58) return false
  const portAt = ++i
  for (; i < n && isDigit(origin.charCodeAt(i)); i++);
  return i === n && i > portAt && i - portAt <= 5
}

const sites = [
  'https://www.example.com',
  'https://shop.example.org',
  'http://localhost:5173',
  'https://[2001:db8::1]:8443',
].map((s) => Buffer.from(s))
const cases: Array<[what: string, make: (i: number) => Buffer, ok: boolean]> = [
  ['one site: https://www.example.com', () => sites[0]!, true],
  ['four sites in turn', (i) => sites[i & 3]!, true],
  ['a 300-character host', () => Buffer.from(`https://${'a'.repeat(300)}.example`), false],
  ['a 100 KiB Origin', () => Buffer.from(`https://${'a'.repeat(100 * 1024)}`), false],
]
for (const [what, make, ok] of cases) {
  for (let i = 0; i < 4; i++) {
    const o = make(i).toString('latin1')
    if (isPlausibleOrigin(o) !== ok || echoesOrigin(o) !== ok || scan(o) !== ok)
      throw new Error(`${what}: expected ${ok} for ${o.slice(0, 40)}`)
  }
}

let sink = 0
const bench = new Bench({ name: 'Origin check', time: 700, warmupTime: 200 })
for (const [what, make] of cases) {
  const bytes = [0, 1, 2, 3].map(make)
  bench
    .add(`${what}: before (only '' skipped)`, () => {
      for (let i = 0; i < BATCH; i++) sink += bytes[i & 3]!.toString('latin1') !== '' ? 1 : 0
    })
    .add(`${what}: echoesOrigin`, () => {
      for (let i = 0; i < BATCH; i++) sink += echoesOrigin(bytes[i & 3]!.toString('latin1')) ? 1 : 0
    })
    .add(`${what}: isPlausibleOrigin (the expression alone)`, () => {
      for (let i = 0; i < BATCH; i++) sink += isPlausibleOrigin(bytes[i & 3]!.toString('latin1')) ? 1 : 0
    })
    .add(`${what}: character scan`, () => {
      for (let i = 0; i < BATCH; i++) sink += scan(bytes[i & 3]!.toString('latin1')) ? 1 : 0
    })
}
await bench.run()
const ns = new Map<string, number>()
for (const task of bench.tasks)
  if (task.result.state === 'completed') ns.set(task.name, (task.result.latency.mean * 1e6) / BATCH)
console.log(`${bench.name} (${BATCH} per sample; ns per check, the string's making included)`)
console.table(
  [...ns].map(([name, v]) => {
    const before = ns.get(name.replace(/: [^:]*$/, ": before (only '' skipped)"))
    return {
      task: name,
      'ns/op': v.toFixed(1),
      'adds ns': before !== undefined && !name.includes('before') ? (v - before).toFixed(1) : '',
    }
  }),
)
if (sink === 42) console.log('')
