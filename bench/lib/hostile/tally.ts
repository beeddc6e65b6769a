/**
 * Counts of a run — per family, per route, per no-answer condition — and the violations with what is
 * needed to replay them; printed as the summary table.
 * @module
 */
import { FAMILIES, type Family, type HostileCase } from './case.js'
import type { Verdict } from './oracle.js'
import type { Outcome } from './transport.js'
import { printable } from './wire.js'

interface FamilyStats {
  cases: number
  statuses: Map<number, number>
  closed: number
  silent: number
  violations: number
}

export interface Violation {
  index: number
  family: Family
  kind: string
  route: string
  why: string
  request: string
  answer: string
}

const bump = <K>(m: Map<K, number>, k: K, n = 1): void => void m.set(k, (m.get(k) ?? 0) + n)

function describe(o: Outcome): string {
  if (o.kind !== 'answer') return o.kind === 'garbled' ? `garbled: ${o.error}` : o.kind
  const a = o.answer
  return (
    `${a.status} ` +
    `${[...a.headers].map(([k, v]) => `${k}: ${v}`).join('; ')}\n${a.body.subarray(0, 400).toString('utf8')}`
  )
}

export class Tally {
  readonly families = new Map<Family, FamilyStats>(
    FAMILIES.map((f) => [f, { cases: 0, statuses: new Map(), closed: 0, silent: 0, violations: 0 }]),
  )
  readonly routes = new Map<string, number>()
  readonly noAnswer = new Map<string, { answered: number; closed: number; silent: number }>()
  readonly notes = new Map<string, number>()
  readonly violations: Violation[] = []
  violationCount = 0
  cases = 0

  add(c: HostileCase, o: Outcome, v: Verdict): void {
    this.cases++
    const f = this.families.get(c.family)!
    f.cases++
    bump(this.routes, c.route)
    if (o.kind === 'answer') bump(f.statuses, o.answer.status)
    else if (o.kind === 'closed') f.closed++
    else if (o.kind === 'silent') f.silent++
    if (c.noAnswer !== null) {
      const n = this.noAnswer.get(c.noAnswer) ?? { answered: 0, closed: 0, silent: 0 }
      if (o.kind === 'answer') n.answered++
      else if (o.kind === 'closed') n.closed++
      else if (o.kind === 'silent') n.silent++
      this.noAnswer.set(c.noAnswer, n)
    }
    for (const note of v.notes) bump(this.notes, note)
    if (!v.ok) {
      f.violations++
      this.violationCount++
      if (this.violations.length < 50) {
        this.violations.push({
          index: c.index,
          family: c.family,
          kind: c.kind,
          route: c.route,
          why: v.why,
          request: printable(Buffer.concat([c.head, c.body])),
          answer: describe(o),
        })
      }
    }
  }

  /** The per-family table: cases, statuses seen, closes and silences without an answer, violations. */
  familyTable(): string[] {
    const lines = [
      '| family | cases | statuses seen | closed, no answer | no answer (we closed) | violations |',
      '|---|---:|---|---:|---:|---:|',
    ]
    for (const [name, f] of this.families) {
      if (f.cases === 0) continue
      const statuses = [...f.statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')
      lines.push(
        `| ${name} | ${f.cases.toLocaleString('en-US')} | ${statuses} | ${f.closed} | ${f.silent} | ${f.violations} |`,
      )
    }
    return lines
  }

  noAnswerTable(): string[] {
    const lines = [
      '| malformed condition (no answer accepted) | answered | closed by the server | no answer, closed by us |',
      '|---|---:|---:|---:|',
    ]
    for (const [why, n] of [...this.noAnswer].sort())
      lines.push(`| ${why} | ${n.answered} | ${n.closed} | ${n.silent} |`)
    return lines
  }
}
