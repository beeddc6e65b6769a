/**
 * The import graph of the server's sources, file by file, and the two checks test/import-graph.test.ts
 * runs on it: import circles (strongly connected files) and imports that run back up the layer order.
 *
 * Imports are read with TypeScript's own parser (already a dev dependency: `tsc --noEmit`), not with a
 * regular expression, so an `import … from` inside a comment, a string or a JSDoc `@example` is not
 * taken for one. Read: static `import … from`, `import type … from`, `import '…'` and `export … from`
 * with a relative specifier (packages and `node:` modules are not ours). Type-only imports count: they
 * tie the files together for the next reader as much as value imports do.
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import ts from 'typescript'

/** File → the files it imports, paths relative to the repository root with `/` separators. */
export type ImportGraph = Map<string, string[]>

/** The relative specifiers a TypeScript source imports or re-exports from, in order. */
export function importSpecifiers(source: string, fileName = 'file.ts'): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)
  const out: string[] = []
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue
    const spec = statement.moduleSpecifier
    if (spec && ts.isStringLiteral(spec) && spec.text.startsWith('.')) out.push(spec.text)
  }
  return out
}

function sourcesUnder(root: string, dir: string, skip: ReadonlySet<string>): string[] {
  const out: string[] = []
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`
    if (entry.isDirectory()) {
      if (!skip.has(path)) out.push(...sourcesUnder(root, path, skip))
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path)
  }
  return out
}

/** `./x.js` → `x.ts`, a folder → its `index.ts`; undefined when no such source exists. */
function resolveSource(root: string, from: string, spec: string): string | undefined {
  const base = resolve(root, dirname(from), spec)
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]
  for (const c of candidates) {
    try {
      if (statSync(c).isFile()) return relative(root, c).split(sep).join('/')
    } catch {
      // not this one
    }
  }
  return undefined
}

/**
 * The import graph of every `.ts` file under `dirs` (relative to `root`), minus the folders in `skip`.
 * An import of one of our files that cannot be resolved is returned in `unresolved`.
 */
export function readImportGraph(
  root: string,
  dirs: string[],
  skip: string[] = [],
): { graph: ImportGraph; unresolved: string[] } {
  const graph: ImportGraph = new Map()
  const unresolved: string[] = []
  const skipped = new Set(skip)
  for (const dir of dirs) {
    for (const file of sourcesUnder(root, dir, skipped)) {
      const targets: string[] = []
      for (const spec of importSpecifiers(readFileSync(join(root, file), 'utf8'), file)) {
        const target = resolveSource(root, file, spec)
        if (target) targets.push(target)
        else unresolved.push(`${file} → ${spec}`)
      }
      graph.set(file, targets)
    }
  }
  return { graph, unresolved }
}

/** Files that import one another, directly or through each other, and one cycle among them to show. */
export interface Circle {
  /** Every file of the strongly connected set, sorted: two circles that share a file are one set. */
  files: string[]
  /** A shortest cycle `a → b → … → a` through the first of `files`. */
  cycle: string[]
}

/**
 * Every import circle: the strongly connected sets of two or more files (or a file importing itself),
 * sorted by their first file. Tarjan's algorithm, iterative (no recursion limit on long chains).
 */
export function findCircles(graph: ImportGraph): Circle[] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const components: string[][] = []
  let next = 0
  const edges = (v: string) => graph.get(v) ?? []
  for (const start of [...graph.keys()].sort()) {
    if (index.has(start)) continue
    const work: Array<{ v: string; i: number }> = [{ v: start, i: 0 }]
    index.set(start, next)
    low.set(start, next++)
    stack.push(start)
    onStack.add(start)
    while (work.length > 0) {
      const frame = work[work.length - 1]!
      const targets = edges(frame.v)
      if (frame.i < targets.length) {
        const w = targets[frame.i++]!
        if (!index.has(w)) {
          index.set(w, next)
          low.set(w, next++)
          stack.push(w)
          onStack.add(w)
          work.push({ v: w, i: 0 })
        } else if (onStack.has(w)) low.set(frame.v, Math.min(low.get(frame.v)!, index.get(w)!))
        continue
      }
      work.pop()
      if (work.length > 0) {
        const parent = work[work.length - 1]!.v
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.v)!))
      }
      if (low.get(frame.v) === index.get(frame.v)) {
        const component: string[] = []
        let w: string
        do {
          w = stack.pop()!
          onStack.delete(w)
          component.push(w)
        } while (w !== frame.v)
        if (component.length > 1 || edges(frame.v).includes(frame.v)) components.push(component.sort())
      }
    }
  }
  return components
    .map((files) => ({ files, cycle: cycleThrough(graph, new Set(files), files[0]!) }))
    .sort((a, b) => a.files[0]!.localeCompare(b.files[0]!))
}

/** A shortest path from `start` back to itself inside `members` (breadth-first), as `[start, …, start]`. */
function cycleThrough(graph: ImportGraph, members: ReadonlySet<string>, start: string): string[] {
  const cameFrom = new Map<string, string>()
  const queue = [start]
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue
      if (w === start) {
        const path: string[] = []
        for (let u = v; u !== start; u = cameFrom.get(u)!) path.unshift(u)
        return [start, ...path, start]
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v)
        queue.push(w)
      }
    }
  }
  return [start, start]
}

/**
 * The layer of a file: the folder under `src/` it is in (a file directly in `src/` is its own name),
 * `workers` for `workers/…`. `layers` lists the folders bottom → top, one array per layer.
 */
export function layerOf(file: string, layers: readonly (readonly string[])[]): { folder: string; layer: number } {
  const parts = file.split('/')
  const folder = parts[0] === 'src' ? parts[1]! : parts[0]!
  return { folder, layer: layers.findIndex((l) => l.includes(folder)) }
}

/** Imports from a folder to a folder of a higher layer, as `from → to`; and files of no declared layer. */
export function upwardImports(
  graph: ImportGraph,
  layers: readonly (readonly string[])[],
): { upward: string[]; undeclared: string[] } {
  const upward: string[] = []
  const undeclared = new Set<string>()
  for (const [from, targets] of graph) {
    const a = layerOf(from, layers)
    if (a.layer < 0) undeclared.add(a.folder)
    for (const to of targets) {
      const b = layerOf(to, layers)
      if (b.layer < 0) undeclared.add(b.folder)
      else if (a.folder !== b.folder && a.layer >= 0 && b.layer > a.layer) upward.push(`${from} → ${to}`)
    }
  }
  return { upward: [...new Set(upward)].sort(), undeclared: [...undeclared].sort() }
}
