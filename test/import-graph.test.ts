/**
 * The import graph of src/ and workers/ has no file-level circle, and no import runs back up the layer
 * order below (issue 15) — except the one listed in ALLOWED_UPWARD, with its reason. A folder missing from
 * LAYERS fails too: a new folder is placed in the order before it is used.
 */
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import {
  findCircles,
  importSpecifiers,
  readImportGraph,
  upwardImports,
  type ImportGraph,
} from './helpers/import-graph.js'

/** Bottom → top; an import may go to its own layer or lower (ISSUE15's target layering). */
const LAYERS = [
  ['bytes', 'net', 'native', 'hll', 'ring', 'limiter', 'enrich', 'config', 'errors', 'event'],
  ['store'],
  ['sessions', 'identity', 'goals', 'accounts', 'ops'],
  ['ingest', 'derive'],
  ['drain', 'query', 'admin'],
  ['pipeline', 'realtime'],
  ['http'],
  ['api'],
  // The composition, and what nothing imports: the CLI, the worker entry, the dashboard's browser bundle.
  ['app', 'server.ts', 'cli', 'bin', 'workers', 'dashboard'],
] as const

/** At most one import may run back up, with its reason: `from → to`. */
const ALLOWED_UPWARD: ReadonlyArray<{ edge: string; reason: string }> = []

const root = fileURLToPath(new URL('..', import.meta.url))
const { graph, unresolved } = readImportGraph(root, ['src', 'workers'])
const found = findCircles(graph)
const { upward, undeclared } = upwardImports(graph, LAYERS)

describe('the checker', () => {
  test('reads imports, type imports, side-effect imports and re-exports, and nothing in comments or strings', () => {
    const source = [
      "import { a } from './a.js'",
      "import type { B } from '../b/b.js'",
      "import './side-effect.js'",
      "export { c } from './c/index.js'",
      "export * from './d.js'",
      "import { readFileSync } from 'node:fs'",
      "/** @example import { x } from './in-a-comment.js' */",
      'const s = "import { y } from \'./in-a-string.js\'"',
      'export const z = 1',
    ].join('\n')
    expect(importSpecifiers(source)).toEqual(['./a.js', '../b/b.js', './side-effect.js', './c/index.js', './d.js'])
  })

  test('finds a circle and names its files; a graph without one passes', () => {
    const withCircle: ImportGraph = new Map([
      ['src/x/a.ts', ['src/x/b.ts']],
      ['src/x/b.ts', ['src/x/c.ts', 'src/y/leaf.ts']],
      ['src/x/c.ts', ['src/x/a.ts']],
      ['src/y/leaf.ts', []],
      ['src/y/self.ts', ['src/y/self.ts']],
    ])
    expect(findCircles(withCircle)).toEqual([
      {
        files: ['src/x/a.ts', 'src/x/b.ts', 'src/x/c.ts'],
        cycle: ['src/x/a.ts', 'src/x/b.ts', 'src/x/c.ts', 'src/x/a.ts'],
      },
      { files: ['src/y/self.ts'], cycle: ['src/y/self.ts', 'src/y/self.ts'] },
    ])
    // A second circle through a file of the first makes one larger set, named by all its files.
    withCircle.set('src/y/leaf.ts', ['src/x/b.ts'])
    expect(findCircles(withCircle).map((c) => c.files)).toEqual([
      ['src/x/a.ts', 'src/x/b.ts', 'src/x/c.ts', 'src/y/leaf.ts'],
      ['src/y/self.ts'],
    ])
    withCircle.set('src/y/leaf.ts', [])
    withCircle.set('src/x/c.ts', [])
    withCircle.set('src/y/self.ts', [])
    expect(findCircles(withCircle)).toEqual([])
  })

  test('finds an import that runs back up a layer, and a folder of no layer', () => {
    const g: ImportGraph = new Map([
      ['src/store/open.ts', ['src/bytes/utf8.ts', 'src/http/app.ts']],
      ['src/http/app.ts', ['src/store/open.ts', 'src/nowhere/x.ts']],
    ])
    expect(upwardImports(g, LAYERS)).toEqual({
      upward: ['src/store/open.ts → src/http/app.ts'],
      undeclared: ['nowhere'],
    })
  })
})

describe('src/ and workers/', () => {
  test('every relative import resolves to a source file, and every folder has a layer', () => {
    expect(graph.size).toBeGreaterThan(100)
    expect(unresolved).toEqual([])
    expect(undeclared).toEqual([])
  })

  test('no file-level import circle', () => {
    // Shown as a cycle through each set: `a → b → a`.
    expect(found.map((c) => c.cycle.join(' → '))).toEqual([])
  })

  test('no import runs back up a layer, but the one allowed', () => {
    expect(ALLOWED_UPWARD.length).toBeLessThanOrEqual(1)
    const allowed = ALLOWED_UPWARD.map((a) => a.edge)
    expect(upward.filter((e) => !allowed.includes(e))).toEqual([])
  })
})
