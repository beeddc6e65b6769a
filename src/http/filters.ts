/**
 * The drop chain: the cheap, certain drop decisions made on the HTTP thread, where they can still be told
 * to the client in `X-Hitring-Drop`. One chain for every ingest route, browser and server, in this order:
 *
 * | rule | reason | applies to |
 * |---|---|---|
 * | a prefetch (`Sec-Purpose`, `Purpose`) | `prefetch` | browser requests |
 * | Do-Not-Track ({@link browserDnt}; a server item's `dnt`) | `dnt` | every event |
 * | a bot's User-Agent (browser traffic only, see {@link dropReasonFor}) | `bot` | browser requests |
 * | the client IP among the site's exclusions | `excluded_ip` | every event |
 * | the page's host outside the site's allow-list | `hostname_not_allowed` | every event |
 * | a spam referrer | `spam_referrer` | every event |
 *
 * The two browser-request rules read the request that carried the event; a server item's request is
 * its backend's, so they do not apply to it ({@link SERVER_DROP_REASONS}). Each rule costs a header
 * read, a cached lookup or a Set probe; nothing is allocated. A drop is counted the same way on every
 * route (./drop-record.ts).
 * @module
 */
import type { DropReasonName } from '../event/index.js'
import type { IngestPayload } from '../ingest/index.js'
import { type KnownSite, hostnameAllowed, siteHostFromOrigin } from '../store/index.js'
import { isBotUserAgentCached, isBotUserAgentIgnoringHeadless, isPrefetch, isSpamReferrer } from '../enrich/index.js'

/** What the browser handler read from the request headers (synchronously, at the top). */
export interface RequestFacts {
  origin: string
  userAgent: string
  secPurpose: string
  purpose: string
  dnt: string
  secGpc: string
}

export interface FilterOptions {
  respectDnt: boolean
}

/** Why the server routes drop an item (the chain without its browser-request rules), as the OpenAPI document lists. */
export const SERVER_DROP_REASONS = [
  'dnt',
  'excluded_ip',
  'hostname_not_allowed',
  'spam_referrer',
] as const satisfies readonly DropReasonName[]
export type ServerDropReason = (typeof SERVER_DROP_REASONS)[number]

/** Do-Not-Track as the browser routes read it: `DNT: 1` or `Sec-GPC: 1`, when the operator honours it. */
export function browserDnt(facts: RequestFacts, options: FilterOptions): boolean {
  return options.respectDnt && (facts.dnt === '1' || facts.secGpc === '1')
}

/** The page's or referrer's host as sites are matched ('' when there is none). */
const hostOf = (url: string): string => siteHostFromOrigin(url) ?? ''

/**
 * The reason to drop this event, or null to store it. `request` is the browser request that carried
 * the event, null for a server item (whose reasons are then {@link ServerDropReason}s); `dnt` whether
 * the visitor asked not to be tracked ({@link browserDnt}, or a server item's own `dnt`).
 *
 * Browser traffic is a request with an Origin or a pageview; a custom event sent from a backend (no
 * Origin, as in the seed's curl example) is never taken for a bot because of its library User-Agent.
 * hk.js's `webdriver: true` (an end-to-end test the site owner allowed) lifts the headless-browser rule
 * alone; a crawler setting it gains nothing a desktop UA would not give it (src/enrich/bots.ts).
 */
export function dropReasonFor(
  request: null,
  dnt: boolean,
  ip: Uint8Array,
  payload: IngestPayload,
  site: KnownSite,
): ServerDropReason | null
export function dropReasonFor(
  request: RequestFacts,
  dnt: boolean,
  ip: Uint8Array,
  payload: IngestPayload,
  site: KnownSite,
): DropReasonName | null
export function dropReasonFor(
  request: RequestFacts | null,
  dnt: boolean,
  ip: Uint8Array,
  payload: IngestPayload,
  site: KnownSite,
): DropReasonName | null {
  if (request !== null && isPrefetch(request.secPurpose, request.purpose, '')) return 'prefetch'
  if (dnt) return 'dnt'
  // hk.js marks an automated browser it was allowed to count (data-allow-webdriver): only the headless
  // rule is skipped for it, and only after the usual check said bot, so other traffic pays nothing.
  if (
    request !== null &&
    (request.origin !== '' || payload.kind === 0) &&
    isBotUserAgentCached(request.userAgent) &&
    (!payload.webdriver || isBotUserAgentIgnoringHeadless(request.userAgent))
  ) {
    return 'bot'
  }
  if (site.excludedIps?.has(ip)) return 'excluded_ip'
  if (site.record.allowed_hostnames?.length && !hostnameAllowed(site.record, hostOf(payload.url))) {
    return 'hostname_not_allowed'
  }
  if (payload.referrer !== '') {
    const refHost = hostOf(payload.referrer)
    if (refHost !== '' && isSpamReferrer(refHost)) return 'spam_referrer'
  }
  return null
}
