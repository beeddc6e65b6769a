import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, describe, expect, test } from 'vitest'
import {
  defaultSpamList,
  defaultSpamListPath,
  isSpamReferrer,
  SPAM_LIST_RELATIVE_PATH,
  SpamList,
} from '../src/enrich/spam.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const script = join(root, 'src/enrich/data/update-spam-list.mjs')
const scratch: string[] = []
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true })
})

describe('SpamList', () => {
  const list = SpamList.parse(
    [
      '# header',
      '',
      'semalt.com',
      'WWW.Darodar.com  # trailing comment',
      ' spaced.example ',
      'bücher-spam.example',
      'not a host',
      'tld',
      'http://with-scheme.example/',
      'dup.example',
      'dup.example',
      'trailing-dot.example.',
    ].join('\r\n'),
  )

  test('parses hosts, skipping comments, blanks and non-hosts', () => {
    expect(list.size).toBe(6)
  })

  test.each([
    ['semalt.com', true],
    ['SEMALT.COM', true],
    ['www.semalt.com', true],
    ['semalt.com.', true],
    ['x.semalt.com', true],
    ['a.b.c.semalt.com', true],
    [`${'a.'.repeat(40)}semalt.com`, true], // deep hosts are matched by their tail
    ['darodar.com', true],
    ['forum.darodar.com', true],
    ['spaced.example', true],
    ['xn--bcher-spam-9db.example', true],
    ['bücher-spam.example', true],
    ['trailing-dot.example', true],
    ['dup.example', true],
    ['notsemalt.com', false],
    ['semalt.com.evil.net', false],
    ['com', false],
    ['example', false],
    ['google.com', false],
    ['', false],
    [' ', false],
    ['x'.repeat(100_000), false],
  ])('has(%j) → %s', (host, want) => {
    expect(list.has(host)).toBe(want)
  })

  test.each([[undefined], [null], [42], [{}]])('has(%j) → false, no throw', (v) => {
    expect(list.has(v as unknown as string)).toBe(false)
  })

  test('load() throws for a missing file (a deployment error, not request data)', () => {
    expect(() => SpamList.load('/nonexistent/referrer-spam.txt')).toThrow()
  })
})

describe('the shipped list', () => {
  test('is found from src/ and loads', () => {
    expect(defaultSpamListPath()).toBe(join(root, SPAM_LIST_RELATIVE_PATH))
    expect(defaultSpamList().size).toBeGreaterThanOrEqual(100)
    expect(defaultSpamList()).toBe(defaultSpamList()) // read once
  })

  test('has a header saying where it came from and how to update it', () => {
    const head = readFileSync(defaultSpamListPath(), 'utf8').split('\n').slice(0, 10).join('\n')
    expect(head).toMatch(/^# Source: /m)
    expect(head).toMatch(/update-spam-list\.mjs/)
  })

  test.each([
    ['semalt.com', true],
    ['buttons-for-website.com', true],
    ['darodar.com', true],
    ['forum.darodar.com', true],
    ['1-best-seo.com', true],
    ['xn--lifehacer-1rb.com', true],
    ['google.com', false],
    ['example.com', false],
    ['', false],
  ])('isSpamReferrer(%j) → %s', (host, want) => {
    expect(isSpamReferrer(host)).toBe(want)
  })

  /** src/enrich/spam.ts bundled on its own to `out`, as the build bundles a worker. */
  const bundleSpam = (out: string) =>
    build({
      entryPoints: [join(root, 'src/enrich/spam.ts')],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    })

  test('is found from a bundle under dist/, as dist/cli.js and dist/workers/drain.js find it', async () => {
    const dir = join(root, 'dist', `enrich-spam-test-${process.pid}`)
    scratch.push(dir)
    mkdirSync(join(dir, 'workers'), { recursive: true })
    const out = join(dir, 'workers', 'spam.js')
    await bundleSpam(out)
    const code =
      `const m = await import(${JSON.stringify(out)}); ` +
      `console.log(JSON.stringify([m.defaultSpamListPath(), m.isSpamReferrer('semalt.com')]))`
    const got = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }))
    expect(got).toEqual([join(root, SPAM_LIST_RELATIVE_PATH), true])
  })

  test('outside any package the default list is empty with a warning, and lookups do not throw', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hitring-spam-'))
    scratch.push(dir)
    const out = join(dir, 'spam.js')
    await bundleSpam(out)
    const code =
      `const m = await import(${JSON.stringify(out)}); ` +
      `console.log(JSON.stringify([m.isSpamReferrer('semalt.com'), m.defaultSpamList().size]))`
    const r = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    expect(JSON.parse(r)).toEqual([false, 0])
  })
})

describe('update-spam-list.mjs', () => {
  const run = (args: string[], input?: string) =>
    execFileSync(process.execPath, [script, ...args], { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] })
  const work = () => {
    const d = mkdtempSync(join(tmpdir(), 'hitring-spam-update-'))
    scratch.push(d)
    return d
  }

  test.each([
    ['text', '# c\nB.example\n\nwww.a.example\nb.example\nbad host\nbücher.example\n'],
    ['JSON array', JSON.stringify(['b.example', 'www.a.example', 'B.example', 'bücher.example', 42])],
    ['JSON object', JSON.stringify({ spamReferrers: ['b.example', 'a.example', 'bücher.example'] })],
  ])('regenerates the list from a %s file', (_what, input) => {
    const d = work()
    writeFileSync(join(d, 'in'), input)
    const out = join(d, 'out.txt')
    run([join(d, 'in'), '--out', out, '--source', 'test input'])
    const text = readFileSync(out, 'utf8')
    expect(text).toMatch(/^# Source: test input$/m)
    expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      'a.example',
      'b.example',
      'xn--bcher-kva.example',
    ])
    expect(SpamList.load(out).has('x.b.example')).toBe(true)
  })

  test('reads stdin with "-" and merges with --merge', () => {
    const d = work()
    const out = join(d, 'out.txt')
    writeFileSync(out, '# old\nold.example\n')
    run(['-', '--merge', '--out', out], 'new.example\n')
    expect(SpamList.load(out).size).toBe(2)
  })

  test('refuses an input without hosts and leaves the list alone', () => {
    const d = work()
    const out = join(d, 'out.txt')
    writeFileSync(out, 'keep.example\n')
    expect(() => run(['-', '--out', out], '# nothing\n')).toThrow()
    expect(() => run([])).toThrow()
    expect(readFileSync(out, 'utf8')).toBe('keep.example\n')
  })
})
