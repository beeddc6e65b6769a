/**
 * Turns a ring segment into items to store: read the validated fields the HTTP thread wrote
 * (src/event/record.ts), derive the page, referrer and User-Agent classes. All of this runs in the
 * worker BEFORE the write transaction, so the transaction only interns, counts and puts.
 * @module
 */
import type { RingReader } from '../ring/index.js'
import {
  decodeDropRecord,
  decodeIngestRecord,
  RECORD_TYPE_DROP_V1,
  RECORD_TYPE_INGEST_V2,
  type IngestPayload,
  DropReason,
  dropReasonName,
} from '../event/index.js'
import type { SiteRecord } from '../store/index.js'
import { classifyReferrer, classifyUserAgent, parsePageUrl, screenClass } from '../enrich/index.js'

export interface EventItem {
  type: 'event'
  /** The ring lane it came from: its session lives in that lane's table (src/sessions/table.ts). */
  lane: number
  ts: number
  site: SiteRecord
  ip: Uint8Array
  userAgent: string
  payload: IngestPayload
  hostname: string
  path: string
  query: string
  /** Attribution of this event, used when it starts a session. */
  source: string
  referrerHost: string
  utm: { source: string; medium: string; campaign: string; term: string; content: string }
  browser: string
  os: string
  device: string
  screen: string
  /** The primary subtag of the payload's language tag, lower-cased (`pt-BR` → `pt`); '' when none. */
  language: string
  /** A server-side item's idempotency key (checked again inside the transaction). */
  idempotencyKey: string | undefined
  /** The visitor id, when it could be worked out before the write transaction (src/drain/segment.ts). */
  visitor?: Buffer
}

export interface DropItem {
  type: 'drop'
  lane: number
  ts: number
  site: SiteRecord
  reason: string
  /** A dropped server item's idempotency key: kept like a stored item's, so a retry is a duplicate. */
  idempotencyKey: string | undefined
}

export type Item = EventItem | DropItem

export const DIRECT_SOURCE = 'Direct / None'

/** Appends the items of `lane`'s segment [from, to) to `items`; returns the number of records read. */
export function decodeSegment(
  ring: RingReader,
  lane: number,
  from: number,
  to: number,
  siteOf: (num: number) => SiteRecord | null,
  drop: (reason: string) => void,
  items: Item[],
  parsed: ParseCache = newParseCache(),
): number {
  const { pages, referrers } = parsed
  // Item times are whole milliseconds (Date.now and Date.parse give nothing else): raw event blocks store
  // them as integers (src/store/event-block.ts), and rollups must count the very times the blocks hold.
  const records = ring.forEach(from, to, (type, offset, length) => {
    if (type === RECORD_TYPE_DROP_V1) {
      const d = decodeDropRecord(ring.bytes, ring.view, offset, length)
      const site = siteOf(d.siteNum)
      if (site)
        items.push({
          type: 'drop',
          lane,
          ts: Math.round(d.receivedAt),
          site,
          reason: dropReasonName(d.reason),
          idempotencyKey: d.idempotencyKey,
        })
      return
    }
    if (type !== RECORD_TYPE_INGEST_V2) return void drop('invalid_record')
    try {
      const r = decodeIngestRecord(ring.bytes, ring.view, offset, length)
      const site = siteOf(r.siteNum)
      if (!site) return void drop('site_deleted')
      const p = r.payload
      let page = pages.get(p.url)
      if (page === undefined) pages.set(p.url, (page = parsePageUrl(p.url)))
      if (!page) return void drop('invalid_record')
      const refKey = `${p.referrer}\n${page.hostname}\n${site.domain}`
      let ref = referrers.get(refKey)
      if (!ref) referrers.set(refKey, (ref = classifyReferrer(p.referrer, page.hostname, site.domain)))
      const ua = classifyUserAgent(r.userAgent)
      const campaignSource = page.ref
      items.push({
        type: 'event',
        lane,
        ts: Math.round(r.receivedAt),
        site,
        ip: r.ip,
        userAgent: r.userAgent,
        payload: p,
        hostname: page.hostname,
        path: page.path,
        query: queryOf(p.url),
        source: campaignSource || (ref.internal ? '' : ref.source) || DIRECT_SOURCE,
        referrerHost: ref.internal ? '' : ref.host,
        utm: page.utm,
        browser: ua.browser,
        os: ua.os,
        device: ua.device,
        screen: screenClass(p.screenWidth),
        language: primaryLanguage(p.language),
        idempotencyKey: r.idempotencyKey,
      })
    } catch {
      // The HTTP thread validated this record; reaching here is a bug, and the event is counted, not lost silently.
      drop('invalid_record')
    }
  })
  return records
}

/** A batch repeats pages and referrers: each distinct one is parsed once per task (~0.75 µs each otherwise). */
export interface ParseCache {
  pages: Map<string, ReturnType<typeof parsePageUrl>>
  referrers: Map<string, ReturnType<typeof classifyReferrer>>
}

export function newParseCache(): ParseCache {
  return { pages: new Map(), referrers: new Map() }
}

/**
 * `pt-BR` → `pt`, `zh_Hant_TW` → `zh`: the tag's first subtag, lower-cased (src/event/fields.ts). By hand,
 * lower-casing only when needed: ~20-40 ns a tag against ~50-150 for `search` + `toLowerCase` (micro-benchmark).
 */
function primaryLanguage(tag: string | undefined): string {
  if (!tag) return ''
  let end = 0
  let lower = true
  for (; end < tag.length; end++) {
    const c = tag.charCodeAt(end)
    if (c === 45 || c === 95) break // - _
    if (c >= 65 && c <= 90) lower = false // A-Z
  }
  const subtag = end === tag.length ? tag : tag.slice(0, end)
  return lower ? subtag : subtag.toLowerCase()
}

function queryOf(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return ''
  const h = url.indexOf('#', q)
  return url.slice(q + 1, h < 0 ? undefined : h)
}

export { DropReason }
