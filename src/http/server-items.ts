/**
 * What happens to each server-side item, in order: validation (400 / rejected), the site from the URL's
 * host (404), the caller's role on it (owner or editor, else 403), Do-Not-Track, the site's exclusions
 * (evaluated on the visitor's IP), idempotency, then one ring record in the visitor's lane.
 * @module
 */
import type { Principal } from '../api/types.js'
import { roleOnSite } from '../api/access.js'
import { roleAtLeast } from '../accounts/roles.js'
import { enqueueEvent } from '../ingest/enqueue.js'
import { EventKind } from '../ingest/payload.js'
import { validateServerItem } from '../ingest/server-payload.js'
import { hostnameAllowed } from '../store/sites.js'
import { isSpamReferrer } from '../enrich/index.js'
import { siteHostFromOrigin } from '../store/sites.js'
import { Errors, type HttpError } from './errors.js'
import { laneOf } from './client.js'
import type { ServerIngestContext } from './server-ingest-route.js'

export type ItemOutcome =
  | { kind: 'accepted' }
  | { kind: 'duplicate' }
  | { kind: 'dropped'; reason: string }
  | { kind: 'error'; error: HttpError }

export interface ItemsResult {
  outcomes: ItemOutcome[]
  accepted: number
  /** Lane → ring position after this request's last record in it (what durable answers wait for). */
  waits: Map<number, number>
}

/** `kind` null: each item says `type` ("event" or "pageview"; without it, an item with a `name` is an event). */
export function processItems(ctx: ServerIngestContext, principal: Principal, items: unknown[], kind: EventKind | null, laneMask: number): ItemsResult {
  const outcomes: ItemOutcome[] = []
  const waits = new Map<number, number>()
  const roles = new Map<string, boolean>()
  const now = ctx.now()
  let accepted = 0
  const drop = (reason: string): ItemOutcome => {
    ctx.metrics.dropped.inc({ reason })
    return { kind: 'dropped', reason }
  }

  for (const raw of items) {
    const itemKind = kind ?? kindOfItem(raw)
    if (itemKind === null) {
      outcomes.push({ kind: 'error', error: Errors.validation([{ field: 'type', message: 'must be "event" or "pageview"' }]) })
      continue
    }
    const checked = validateServerItem(itemKind, raw, now, ctx.backfillMs)
    if (!checked.ok) {
      outcomes.push({ kind: 'error', error: Errors.validation(checked.fields) })
      continue
    }
    const item = checked.item
    const host = siteHostFromOrigin(item.payload.url) ?? ''
    const site = ctx.sites.byDomain(host)
    if (!site) {
      outcomes.push({ kind: 'error', error: Errors.unknownSiteForUrl(host) })
      continue
    }
    let allowed = roles.get(site.record.id)
    if (allowed === undefined) {
      const role = roleOnSite(ctx.store, principal, site.record.id)
      roles.set(site.record.id, (allowed = role !== undefined && roleAtLeast(role, 'editor')))
    }
    if (!allowed) {
      outcomes.push({ kind: 'error', error: Errors.forbidden('editor') })
      continue
    }
    if (item.dnt) {
      outcomes.push(drop('dnt'))
      continue
    }
    if (site.excludedIps?.has(item.ip)) {
      outcomes.push(drop('excluded_ip'))
      continue
    }
    if (!hostnameAllowed(site.record, host)) {
      outcomes.push(drop('hostname_not_allowed'))
      continue
    }
    const refHost = item.payload.referrer === '' ? '' : (siteHostFromOrigin(item.payload.referrer) ?? '')
    if (refHost !== '' && isSpamReferrer(refHost)) {
      outcomes.push(drop('spam_referrer'))
      continue
    }
    if (item.id !== undefined && ctx.idempotency.isDuplicate(site.record.num, item.id)) {
      outcomes.push({ kind: 'duplicate' })
      continue
    }
    const lane = laneOf(item.ip, laneMask)
    const position = enqueueEvent(ctx.rings[lane]!, {
      receivedAt: item.timestamp,
      siteNum: site.record.num,
      kind: itemKind,
      ip: item.ip,
      userAgent: item.userAgent,
      body: item.body,
    })
    if (position < 0) {
      outcomes.push({ kind: 'error', error: Errors.ringFull() })
      continue
    }
    if (item.id !== undefined) ctx.idempotency.accepted(site.record.num, item.id, lane, position)
    waits.set(lane, position)
    outcomes.push({ kind: 'accepted' })
    accepted++
  }
  return { outcomes, accepted, waits }
}

function kindOfItem(raw: unknown): EventKind | null {
  if (typeof raw !== 'object' || raw === null) return EventKind.Custom // validation reports the real problem
  const type = (raw as Record<string, unknown>).type
  if (type === 'event') return EventKind.Custom
  if (type === 'pageview') return EventKind.Pageview
  if (type === undefined) return (raw as Record<string, unknown>).name !== undefined ? EventKind.Custom : EventKind.Pageview
  return null
}
