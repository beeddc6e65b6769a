/**
 * Summarises V8 `.cpuprofile` files (written by `node --cpu-prof`, one per thread) as the functions with
 * the most self time — where the server's CPU goes under load.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

export function summariseProfiles(dir: string, top = 15): string {
  const out: string[] = []
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()
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
      const where = f.url ? `${relative(process.cwd(), f.url.replace(/^file:\/\//, ''))}:${f.lineNumber + 1}` : ''
      const key = `${f.functionName || '(anonymous)'} ${where}`.trim()
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
