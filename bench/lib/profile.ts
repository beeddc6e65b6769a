/**
 * Summarises V8 `.cpuprofile` files (written by `node --cpu-prof`, one per thread) as the functions with
 * the most self time — where the server's CPU goes under load.
 * @module
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

const maps = new Map<string, SourceMap | null>()

/** `src/http/client.ts:12` for a frame in a bundle with a source map; `node_modules/x/y.js:3` otherwise. */
function where(f: ProfileNode['callFrame']): string {
  if (!f.url) return ''
  const file = f.url.startsWith('file:') ? fileURLToPath(f.url) : f.url
  let map = maps.get(file)
  if (map === undefined) {
    map =
      !file.includes('/node_modules/') && existsSync(`${file}.map`)
        ? new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')))
        : null
    maps.set(file, map)
  }
  const entry = map?.findEntry(f.lineNumber, f.columnNumber) as
    | { originalSource?: string; originalLine?: number }
    | undefined
  if (entry?.originalSource)
    return `${entry.originalSource.replace(/^.*?\/(src|workers|node_modules)\//, '$1/')}:${entry.originalLine! + 1}`
  return `${file.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${f.lineNumber + 1}`
}

export function summariseProfiles(dir: string, top = 15): string {
  const out: string[] = []
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
  for (const file of files) {
    const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile
    const byNode = new Map(p.nodes.map((n) => [n.id, n]))
    const self = new Map<string, number>()
    let total = 0
    let idle = 0
    for (let i = 0; i < p.samples.length; i++) {
      const dt = p.timeDeltas[i + 1] ?? 0 // delta i+1 is the time spent in sample i
      const f = byNode.get(p.samples[i]!)!.callFrame
      if (f.functionName === '(idle)') {
        idle += dt
        continue
      }
      const key = `${f.functionName || '(anonymous)'} ${where(f)}`.trim()
      self.set(key, (self.get(key) ?? 0) + dt)
      total += dt
    }
    out.push(`\n${file}: ${(total / 1000).toFixed(0)} ms busy, ${(idle / 1000).toFixed(0)} ms idle`)
    out.push('| self ms | % of busy | function |', '|---:|---:|---|')
    for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      out.push(`| ${(us / 1000).toFixed(0)} | ${((100 * us) / total).toFixed(1)} | \`${key}\` |`)
    }
  }
  return files.length > 0 ? out.join('\n') : `no .cpuprofile files in ${dir}`
}
