/**
 * The cheap, certain drop decisions made on the HTTP thread, where they can still be told to the client
 * in `X-Hitring-Drop`: prefetches (`Sec-Purpose`, `Purpose`), Do-Not-Track (when the operator honours it), bots on browser traffic,
 * excluded client IPs, hostnames outside the site's allow-list and referrer spam. Each costs a header
 * read, a cached lookup or a Set probe.
 * @module
 */
import type { DropReasonName } from '../event/drops.js'
import type { IngestPayload } from '../ingest/payload.js'
import type { KnownSite } from '../store/site-directory.js'
import { hostnameAllowed, siteHostFromOrigin } from '../store/sites.js'
import { isBotUserAgentCached, isBotUserAgentIgnoringHeadless, isPrefetch, isSpamReferrer } from '../enrich/index.js'

/** What the handler read from the request headers (synchronously, at the top). */
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

/** The page's or referrer's host as sites are matched ('' when there is none). */
const hostOf = (url: string): string => siteHostFromOrigin(url) ?? ''

/**
 * The reason to drop this event, or null to store it. Browser traffic is a request with an Origin or a
 * pageview; a custom event sent from a backend (no Origin, as in the seed's curl example) is never taken
 * for a bot because of its library User-Agent. hk.js's `webdriver: true` (an end-to-end test the site
 * owner allowed) lifts the headless-browser rule alone; a crawler setting it gains nothing a desktop UA
 * would not give it (src/enrich/bots.ts).
 */
export function dropReasonFor(
  facts: RequestFacts,
  ip: Uint8Array,
  payload: IngestPayload,
  site: KnownSite,
  options: FilterOptions,
): DropReasonName | null {
  if (isPrefetch(facts.secPurpose, facts.purpose, '')) return 'prefetch'
  if (options.respectDnt && (facts.dnt === '1' || facts.secGpc === '1')) return 'dnt'
  const browserTraffic = facts.origin !== '' || payload.kind === 0
  // hk.js marks an automated browser it was allowed to count (data-allow-webdriver): only the headless
  // rule is skipped for it, and only after the usual check said bot, so other traffic pays nothing.
  if (browserTraffic && isBotUserAgentCached(facts.userAgent) && (!payload.webdriver || isBotUserAgentIgnoringHeadless(facts.userAgent))) return 'bot'
  if (site.excludedIps?.has(ip)) return 'excluded_ip'
  if (site.record.allowed_hostnames?.length && !hostnameAllowed(site.record, hostOf(payload.url))) return 'hostname_not_allowed'
  if (payload.referrer !== '') {
    const refHost = hostOf(payload.referrer)
    if (refHost !== '' && isSpamReferrer(refHost)) return 'spam_referrer'
  }
  return null
}
