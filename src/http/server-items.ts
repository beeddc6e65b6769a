/**
 * What happens to each server-side item, in order: validation (400 / rejected), the site from the URL's
 * host (404 — also for a site the token has no role on, so domains cannot be probed), the caller's role
 * on it (owner or editor; a viewer gets 403), idempotency, the drop chain of every ingest route
 * (./filters.ts: Do-Not-Track, the site's exclusions evaluated on the visitor's IP, its allowed
 * hostnames, spam referrers), then one ring record in the visitor's lane. A dropped item is counted
 * like a browser drop (./drop-record.ts): in /metrics and, by a drop record in the same lane at the
 * item's own `timestamp`, in the site's DROPPED rollup.
 * @module
 */
import { roleOnSite, type Principal } from '../accounts/principal.js'
import { roleAtLeast, type Role } from '../accounts/roles.js'
import { enqueueEvent, EventKind, validateServerItem, type ServerItem, type IdempotencyIndex } from '../ingest/index.js'
import type { RingWriter } from '../ring/index.js'
import { siteHostFromOrigin, type Store, type SiteDirectory } from '../store/index.js'
import type { EngineMetrics } from '../ops/engine-metrics.js'
import { refuse, type Refusal } from '../errors/index.js'
import { eventLane } from './lane.js'
import { countDrop } from './drop-record.js'
import { dropReasonFor, type ServerDropReason } from './filters.js'

/** What the items need of the server-ingest context (./server-ingest-route.ts). */
export interface ItemsContext {
  store: Store
  sites: SiteDirectory
  rings: RingWriter[]
  metrics: EngineMetrics
  idempotency: IdempotencyIndex
  backfillMs: number
  now(): number
}

export type ItemOutcome =
  | { kind: 'accepted' }
  | { kind: 'duplicate' }
  | { kind: 'dropped'; reason: ServerDropReason }
  | { kind: 'error'; error: Refusal }

export interface ItemsResult {
  outcomes: ItemOutcome[]
  accepted: number
  /** Drop records published (the per-site counts of dropped items): a drain must be scheduled for them too. */
  dropRecords: number
  /**
   * Lane → ring position after this request's last accepted record in it (what durable answers wait
   * for). Drop records are left out: a dropped item is answered without waiting.
   */
  waits: Map<number, number>
}

/** `kind` null: each item says `type` ("event" or "pageview"; without it, an item with a `name` is an event). */
export function processItems(
  ctx: ItemsContext,
  principal: Principal,
  items: unknown[],
  kind: EventKind | null,
  laneMask: number,
): ItemsResult {
  const outcomes: ItemOutcome[] = []
  const waits = new Map<number, number>()
  /** Site id → the caller's role on it (null: none), looked up once per request. */
  const roles = new Map<string, Role | null>()
  const now = ctx.now()
  let accepted = 0
  let dropRecords = 0
  /**
   * The drop record goes to the lane the item would have used, at the item's own time (the event time),
   * with its idempotency key: a retry of the same item is then a duplicate, and its drop is not counted
   * again (the drain keeps the key, as for a stored item).
   */
  const drop = (reason: ServerDropReason, item: ServerItem, siteNum: number): ItemOutcome => {
    const lane = eventLane(item.ip, item.payload.sessionId, laneMask)
    const position = countDrop(ctx.metrics, ctx.rings[lane]!, item.timestamp, siteNum, reason, item.id)
    if (position >= 0) {
      dropRecords++
      if (item.id !== undefined) ctx.idempotency.accepted(siteNum, item.id, lane, position)
    }
    return { kind: 'dropped', reason }
  }

  for (const raw of items) {
    const itemKind = kind ?? kindOfItem(raw)
    if (itemKind === null) {
      outcomes.push({
        kind: 'error',
        error: refuse('invalid_field', [{ field: 'type', message: 'must be "event" or "pageview"' }]),
      })
      continue
    }
    const checked = validateServerItem(itemKind, raw, now, ctx.backfillMs)
    if (!checked.ok) {
      outcomes.push({ kind: 'error', error: refuse('invalid_field', checked.fields) })
      continue
    }
    const item = checked.item
    const host = siteHostFromOrigin(item.payload.url) ?? ''
    const site = ctx.sites.byDomain(host)
    if (!site) {
      outcomes.push({ kind: 'error', error: refuse('unknown_site', 'url host visible to token', host) })
      continue
    }
    let role = roles.get(site.record.id)
    if (role === undefined) roles.set(site.record.id, (role = roleOnSite(ctx.store, principal, site.record.id) ?? null))
    // A site the token has no role on answers exactly like a host with no site: which domains are
    // registered here is not the caller's business (the /api rule, src/api/access.ts). A site it can see
    // with too small a role (viewer) is a 403, as on the REST API.
    if (role === null) {
      outcomes.push({ kind: 'error', error: refuse('unknown_site', 'url host visible to token', host) })
      continue
    }
    if (!roleAtLeast(role, 'editor')) {
      outcomes.push({ kind: 'error', error: refuse('forbidden', 'editor') })
      continue
    }
    const siteNum = site.record.num
    // Before any drop decision: a retried item, stored or dropped the first time, is a duplicate.
    if (item.id !== undefined && ctx.idempotency.isDuplicate(siteNum, item.id)) {
      outcomes.push({ kind: 'duplicate' })
      continue
    }
    const dropReason = dropReasonFor(null, item.dnt, item.ip, item.payload, site)
    if (dropReason !== null) {
      outcomes.push(drop(dropReason, item, siteNum))
      continue
    }
    const lane = eventLane(item.ip, item.payload.sessionId, laneMask)
    const position = enqueueEvent(ctx.rings[lane]!, {
      receivedAt: item.timestamp,
      siteNum,
      kind: itemKind,
      ip: item.ip,
      userAgent: item.userAgent,
      payload: item.payload,
      idempotencyKey: item.id,
    })
    if (position < 0) {
      outcomes.push({ kind: 'error', error: refuse('ingest_queue_full') })
      continue
    }
    if (item.id !== undefined) ctx.idempotency.accepted(siteNum, item.id, lane, position)
    waits.set(lane, position)
    outcomes.push({ kind: 'accepted' })
    accepted++
  }
  return { outcomes, accepted, dropRecords, waits }
}

function kindOfItem(raw: unknown): EventKind | null {
  if (typeof raw !== 'object' || raw === null) return EventKind.Custom // validation reports the real problem
  const type = (raw as Record<string, unknown>).type
  if (type === 'event') return EventKind.Custom
  if (type === 'pageview') return EventKind.Pageview
  if (type === undefined)
    return (raw as Record<string, unknown>).name !== undefined ? EventKind.Custom : EventKind.Pageview
  return null
}
