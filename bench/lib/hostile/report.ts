/**
 * The summary `npm run fuzz` prints: cases per family with the statuses seen, the malformed conditions
 * and how uWS treated them, notes, the routes reached, RSS, /healthz afterwards, wall time, violations.
 * @module
 */
import type { FuzzResult } from './run.js'

export interface ReportInput {
  seed: number
  result: FuzzResult
  baselineRss: number
  maxRssMiB: number
  healthz: number[]
  healthzBudgetMs: number
  apiRoutes: ReadonlyArray<{ method: string; path: string }>
  verified: { events: number; mismatches: number } | { error: string } | null
  exit: number | null
  errorLines: number
  tail: string[]
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`
const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '∞')

export function printReport(r: ReportInput): void {
  const { tally } = r.result
  const seconds = r.result.wallMs / 1000
  console.log(
    `\n## seed ${r.seed}: ${tally.cases.toLocaleString('en-US')} cases in ${seconds.toFixed(1)} s ` +
      `(${Math.round(tally.cases / seconds).toLocaleString('en-US')} cases/s)\n`,
  )
  console.log(tally.familyTable().join('\n'))
  console.log(`\n${tally.noAnswerTable().join('\n')}`)
  if (tally.notes.size > 0)
    console.log(
      `\nnotes (not violations):\n${[...tally.notes]
        .sort()
        .map(([k, n]) => `- ${k} ×${n}`)
        .join('\n')}`,
    )
  const missed = r.apiRoutes
    .filter((a) => !tally.routes.has(`${a.method} ${a.path}`))
    .map((a) => `${a.method} ${a.path}`)
  console.log(
    `\nroutes reached: ${tally.routes.size} distinct (method, route); /api routes of the OpenAPI document not ` +
      `reached: ${missed.length === 0 ? 'none' : missed.join(', ')}`,
  )
  const sorted = [...r.healthz].sort((a, b) => a - b)
  if (sorted.length > 0) {
    console.log(
      `/healthz after the run, ${sorted.length} tries on new connections: min ${ms(sorted[0]!)} ms, median ` +
        `${ms(sorted[sorted.length >> 1]!)} ms, max ${ms(sorted[sorted.length - 1]!)} ms (budget ` +
        `${r.healthzBudgetMs} ms)`,
    )
  }
  console.log(
    `RSS: ${mib(r.baselineRss)} before the cases, peak ${mib(r.result.maxRssBytes)} (bound ${r.maxRssMiB} MiB); ` +
      `peak per tenth of the run: ${r.result.rssByTenth.map((b) => (b / 2 ** 20).toFixed(0)).join(' / ')} MiB`,
  )
  if (r.verified)
    console.log(
      `after SIGTERM (exit ${r.exit}): hitring verify ` +
        `${
          'error' in r.verified
            ? `failed: ${r.verified.error}`
            : `${r.verified.events.toLocaleString('en-US')} ` + `events stored, ${r.verified.mismatches} mismatches`
        }`,
    )
  console.log(`server log lines at level error or above: ${r.errorLines}`)
  for (const v of tally.violations) {
    console.log(
      `\nVIOLATION case ${v.index} (${v.family} / ${v.kind}, ${v.route}): ${v.why}\n  replay: npm run fuzz -- ` +
        `-seed ${r.seed} -case ${v.index}\n--- request ---\n${v.request}\n--- answer ---\n${v.answer}`,
    )
  }
  if (tally.violationCount > tally.violations.length)
    console.log(`\n… and ${tally.violationCount - tally.violations.length} more violations`)
}
