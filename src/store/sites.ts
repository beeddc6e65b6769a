/**
 * Sites: the tracked domains. Each has a public id (a UUID, what APIs and the tracker use) and a small
 * integer `num` that rollup and event keys use instead.
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Store } from './open.js'
import { reserveSequence } from './open.js'

export interface SiteRecord {
  id: string
  num: number
  domain: string
  timezone: string
  created_at: string
}

export class SiteError extends Error {
  constructor(
    readonly code: 'invalid_domain' | 'duplicate_domain' | 'invalid_timezone',
    message: string,
  ) {
    super(message)
  }
}

/** The host part of an Origin or URL, as sites are matched: lower-case, no port, one leading `www.` removed. */
export function siteHostFromOrigin(origin: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(\[[^\]]*\]|[^/:?#]+)(?::\d*)?(?:[/?#]|$)/i.exec(origin)
  if (!m) return null
  return stripWww(m[1]!.toLowerCase())
}

function stripWww(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : host
}

/** Validates a domain as a site owner types it; returns it lower-cased or throws a SiteError. */
export function normaliseDomain(input: string): string {
  const d = input.trim().toLowerCase()
  if (/^[a-z][a-z0-9+.-]*:/.test(d) || d.includes('/')) {
    throw new SiteError('invalid_domain', `Give the bare domain, such as example.com, not a URL: ${JSON.stringify(input)}`)
  }
  if (d.startsWith('www.')) {
    throw new SiteError('invalid_domain', `Leave out the leading www. (${JSON.stringify(input)}): it is matched automatically`)
  }
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/.test(d)) {
    throw new SiteError('invalid_domain', `Not a valid domain name: ${JSON.stringify(input)}`)
  }
  return d
}

export function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

/** Creates a site. Runs its own write transaction: call it from a CLI or a worker, never the HTTP thread. */
export function createSite(store: Store, domainInput: string, timezone = 'UTC'): SiteRecord {
  const domain = normaliseDomain(domainInput)
  if (!isValidTimezone(timezone)) throw new SiteError('invalid_timezone', `Not an IANA time zone: ${JSON.stringify(timezone)}`)
  return store.env.transactionSync(() => {
    if (store.siteDomains.get(domain) !== undefined) {
      throw new SiteError('duplicate_domain', `A site for ${domain} exists already`)
    }
    const site: SiteRecord = {
      id: randomUUID(),
      num: reserveSequence(store, 'site_seq'),
      domain,
      timezone,
      created_at: new Date().toISOString(),
    }
    store.sites.putSync(site.id, site)
    store.siteDomains.putSync(domain, site.id)
    store.siteNums.putSync(site.num, site.id)
    return site
  })
}

export function listSites(store: Store): SiteRecord[] {
  return [...store.sites.getRange({}).map(({ value }) => value as SiteRecord)].sort((a, b) =>
    a.created_at.localeCompare(b.created_at),
  )
}

export function getSite(store: Store, id: string): SiteRecord | undefined {
  return store.sites.get(id) as SiteRecord | undefined
}

export function getSiteByNum(store: Store, num: number): SiteRecord | undefined {
  const id = store.siteNums.get(num)
  return id === undefined ? undefined : getSite(store, id)
}

export function getSiteByDomain(store: Store, domain: string): SiteRecord | undefined {
  const id = store.siteDomains.get(domain)
  return id === undefined ? undefined : getSite(store, id)
}
