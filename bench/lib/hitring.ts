/**
 * What the end-to-end bench reads from a running or stopped hitring: /metrics counters, the wait until
 * every accepted event is committed, the LMDB file and page usage, and `hitring verify`.
 * @module
 */
import { execFile } from 'node:child_process'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import type { Database } from 'lmdb'
import { openStore } from '../../src/store/open.js'
import { sleep } from './proc.js'

/** `name{labels}` → value, from the Prometheus text of GET /metrics. */
export async function metrics(port: number): Promise<Map<string, number>> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) })
  const out = new Map<string, number>()
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-z_]+(?:\{[^}]*\})?)\s+(\S+)$/.exec(line)
    if (m) out.set(m[1]!, Number(m[2]))
  }
  return out
}

export const accepted = (m: Map<string, number>) => m.get('hitring_ingest_accepted_total{kind="event"}') ?? 0
export const stored = (m: Map<string, number>) => m.get('hitring_events_stored_total') ?? 0

/** Non-zero counters that mean "not everything went through": rejections, drops, drain failures, ring full. */
export function troubles(m: Map<string, number>): string[] {
  return [...m]
    .filter(([k, v]) => v > 0 && /rejected|rate_limited|dropped|drain_failures|ring_full/.test(k))
    .map(([k, v]) => `${k}=${v}`)
}

/** Polls /metrics until stored ≥ accepted; resolves the last metrics and when that happened (or null on timeout). */
export async function waitStored(
  port: number,
  timeoutMs: number,
): Promise<{ m: Map<string, number>; at: number | null }> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const m = await metrics(port)
    if (stored(m) >= accepted(m)) return { m, at: performance.now() }
    if (performance.now() > deadline) return { m, at: null }
    await sleep(20)
  }
}

export interface DiskStats {
  fileBytes: number
  /** Pages in use by every database (branch + leaf + overflow) and the root, × page size. */
  usedBytes: number
  /** The same for the `events` database alone (raw event blocks). */
  eventsBytes: number
}

export async function diskStats(dataDir: string): Promise<DiskStats> {
  const fileBytes = statSync(join(dataDir, 'data.mdb')).size
  const store = openStore({ path: dataDir, readOnly: true })
  try {
    type Stats = {
      pageSize: number
      treeBranchPageCount: number
      treeLeafPageCount: number
      overflowPages: number
      root: Stats
    }
    const bytes = (s: Stats) => (s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages) * s.pageSize
    const dbs = [
      store.meta,
      store.sites,
      store.siteDomains,
      store.siteNums,
      store.strings,
      store.stringIds,
      store.rollups,
      store.events,
    ]
    const stats = dbs.map((db) => (db as Database<unknown, never>).getStats() as Stats)
    return {
      fileBytes,
      usedBytes: stats.reduce((n, s) => n + bytes(s), bytes(stats[0]!.root)),
      eventsBytes: bytes(stats[stats.length - 1]!),
    }
  } finally {
    await store.close()
  }
}

/** `hitring verify`: recounts the rollups from the raw events. */
export function verify(
  cli: string,
  dataDir: string,
): Promise<{ events: number; mismatches: number } | { error: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, 'verify', '-data-path', dataDir], { timeout: 120_000 }, (err, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()!) as { events: number; mismatches: number })
      } catch {
        resolve({ error: `${err?.message ?? ''} ${stderr}`.trim() })
      }
    })
  })
}
