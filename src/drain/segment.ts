/**
 * The work of one drain task, inside a worker: decode the segment's records, derive what to store, and
 * write raw events, interned strings and rollup deltas in ONE LMDB transaction, so rollups always equal
 * a recount of the raw events — also after a crash, since a transaction commits whole or not at all.
 * @module
 */
import type { RingReader } from '../ring/index.js'
import { decodeIngestRecord, RECORD_TYPE_INGEST_V1 } from '../ingest/record.js'
import { validatePayload, type IngestPayload } from '../ingest/payload.js'
import type { Store } from '../store/open.js'
import { reserveSequence } from '../store/open.js'
import { blockKey, type EventBlock, type StoredEvent } from '../store/events.js'
import { RollupDeltas, rollupKeysOf } from '../store/rollups.js'
import { getSiteByNum, type SiteRecord } from '../store/sites.js'
import { Interner, StringKind } from '../store/strings.js'
import type { DrainResult, DrainTask } from './protocol.js'

interface PendingEvent {
  ts: number
  site: SiteRecord
  payload: IngestPayload
  path: string
  query: string
}

export class SegmentDrainer {
  readonly #interner: Interner
  readonly #sites = new Map<number, SiteRecord | null>()

  constructor(
    private readonly store: Store,
    private readonly rings: RingReader[],
  ) {
    this.#interner = new Interner(store)
  }

  #site(num: number): SiteRecord | null {
    let site = this.#sites.get(num)
    if (site === undefined) {
      site = getSiteByNum(this.store, num) ?? null
      if (site) this.#sites.set(num, site) // a miss is not cached: the site may be created in a moment
    }
    return site
  }

  async drain(task: DrainTask): Promise<DrainResult> {
    const ring = this.rings[task.lane]!
    const dropped: Record<string, number> = {}
    const drop = (reason: string) => (dropped[reason] = (dropped[reason] ?? 0) + 1)
    const events: PendingEvent[] = []
    const records = ring.forEach(task.from, task.to, (type, offset, length) => {
      if (type !== RECORD_TYPE_INGEST_V1) return void drop('unknown_record_type')
      try {
        const r = decodeIngestRecord(ring.bytes, ring.view, offset, length)
        const site = this.#site(r.siteNum)
        if (!site) return void drop('site_deleted')
        const checked = validatePayload(r.kind, JSON.parse(r.bodyText))
        if (!checked.ok) return void drop('invalid_record')
        const url = new URL(checked.value.url)
        events.push({
          ts: r.receivedAt,
          site,
          payload: checked.value,
          path: url.pathname || '/',
          query: url.search.length > 1 ? url.search.slice(1) : '',
        })
      } catch {
        // The HTTP thread validated this record; reaching here means a bug, and the event is counted, not lost silently.
        drop('invalid_record')
      }
    })

    const deltas = new RollupDeltas()
    const started = performance.now()
    let stored = 0
    try {
      await this.store.env.transaction(() => {
        const blocks = new Map<number, EventBlock>()
        for (const ev of events) {
          const nameId = ev.payload.kind === 1 ? this.#interner.idInTransaction(StringKind.EVENT_NAME, ev.payload.name) : 0
          const pathId = this.#interner.idInTransaction(StringKind.PATH, ev.path)
          let block = blocks.get(ev.site.num)
          if (!block) blocks.set(ev.site.num, (block = { v: 1, t0: ev.ts, e: [] }))
          const stored: StoredEvent = [ev.ts - block.t0, ev.payload.kind, nameId, pathId, ev.query, ev.payload.referrer, ev.payload.props]
          block.e.push(stored)
          rollupKeysOf({ siteNum: ev.site.num, timezone: ev.site.timezone, ts: ev.ts, kind: ev.payload.kind, nameId, pathId }, deltas.add)
        }
        const seq = reserveSequence(this.store, 'block_seq', blocks.size)
        let i = 0
        for (const [siteNum, block] of blocks) this.store.events.put(blockKey(siteNum, block.t0, seq + i++), block)
        deltas.applyInTransaction(this.store)
        stored = events.length
      })
      this.#interner.committed()
    } catch (err) {
      this.#interner.aborted()
      throw err
    }
    const commitMs = performance.now() - started
    if (task.sync) await this.store.env.flushed
    return { lane: task.lane, to: task.to, records, stored, dropped, counters: deltas.size, commitMs }
  }
}
