/**
 * Child processes for the end-to-end bench: start a server (`node <script> …`) that prints a line with
 * its port, read its CPU time and peak RSS from /proc, and stop it — by its own pid, nothing else.
 * Lives in bench/lib/ so esbuild bundles it into its importers instead of making it an entry point.
 * @module
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'

export interface Target {
  child: ChildProcess
  pid: number
  port: number
  /** The last lines the process printed (stdout and stderr), for error reports. */
  tail: string[]
  /** Lines of JSON logs at level ≥ 50 (pino error/fatal). */
  errorLines: number
  exited: Promise<number | null>
}

/** Every child started here, so a deadline or a crash can kill exactly those. */
export const started = new Set<ChildProcess>()

export function killAll(): void {
  for (const c of started) if (c.exitCode === null && c.signalCode === null && c.pid) process.kill(c.pid, 'SIGKILL')
}

export function startTarget(
  script: string,
  args: string[],
  opts: { nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<Target> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  started.add(child)
  const tail: string[] = []
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      started.delete(child)
      resolve(code)
    }),
  )
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${script} printed no port in time:\n${tail.join('\n')}`))
    }, opts.timeoutMs ?? 15_000)
    const target: Partial<Target> = { child, pid: child.pid!, tail, errorLines: 0, exited }
    const onLine = (line: string) => {
      tail.push(line)
      if (tail.length > 40) tail.shift()
      const level = /^\{"level":(\d+)/.exec(line)
      if (level && Number(level[1]) >= 50) target.errorLines!++
      const port = /"port":\s*(\d+)/.exec(line)
      if (port && target.port === undefined) {
        target.port = Number(port[1])
        clearTimeout(timer)
        resolve(target as Target)
      }
    }
    for (const stream of [child.stdout!, child.stderr!]) {
      let rest = ''
      stream.setEncoding('utf8').on('data', (s: string) => {
        const lines = (rest + s).split('\n')
        rest = lines.pop()!
        lines.forEach(onLine)
      })
    }
    void exited.then((code) => {
      clearTimeout(timer)
      if (target.port === undefined)
        reject(new Error(`${script} exited (${code}) before listening:\n${tail.join('\n')}`))
    })
  })
}

/** SIGTERM, then SIGKILL after `graceMs`. Resolves the exit code (null when killed). */
export async function stopTarget(t: Target, graceMs = 40_000): Promise<number | null> {
  if (t.child.exitCode !== null || t.child.signalCode !== null) return t.child.exitCode
  t.child.kill('SIGTERM')
  const timer = setTimeout(() => t.child.kill('SIGKILL'), graceMs)
  const code = await t.exited
  clearTimeout(timer)
  return code
}

let ticks: number | undefined
/** Clock ticks per second of /proc/<pid>/stat times (getconf CLK_TCK; 100 when unavailable). */
export function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 }).trim()) || 100
    } catch {
      ticks = 100
    }
  }
  return ticks
}

export interface CpuTimes {
  /** user + system seconds of the whole process (every thread). */
  total: number
  /** user and system seconds of the process. */
  user: number
  sys: number
  /** user + system seconds of the main thread alone (the HTTP event loop). */
  main: number
}

function statTimes(path: string): [user: number, sys: number] {
  const stat = readFileSync(path, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // fields[0] is field 3 (state)
  return [Number(fields[11]) / clockTicks(), Number(fields[12]) / clockTicks()] // utime (14), stime (15)
}

export function cpuTimes(pid: number): CpuTimes {
  const [user, sys] = statTimes(`/proc/${pid}/stat`)
  const [mu, ms] = statTimes(`/proc/${pid}/task/${pid}/stat`)
  return { total: user + sys, user, sys, main: mu + ms }
}

export function cpuDelta(a: CpuTimes, b: CpuTimes): CpuTimes {
  return { total: b.total - a.total, user: b.user - a.user, sys: b.sys - a.sys, main: b.main - a.main }
}

/** Peak resident set size (VmHWM), bytes. */
export function peakRssBytes(pid: number): number {
  const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) * 1024 : NaN
}

export function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Jiffies of the whole machine from /proc/stat: busy (not idle/iowait) and total, to see what else ran. */
export function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number)
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0) // user nice system idle iowait irq softirq steal
  return { busy: total - cpu[3]! - cpu[4]!, total }
}
