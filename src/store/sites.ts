/**
 * Sites: the tracked domains. Each has a public id (a UUID, what APIs and the tracker use) and a small
 * integer `num` that rollup and event keys use instead.
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Store } from './open.js'
import { reserveSequence } from './open.js'
import { parseCidr } from '../net/ip.js'

export interface SiteRecord {
  id: string
  num: number
  domain: string
  timezone: string
  created_at: string
  /** Client IPs/CIDRs whose events are dropped (`excluded_ip`). */
  excluded_ips?: string[]
  /**
   * When not empty, only pages on these hostnames count (`hostname_not_allowed`); `*.example.com` allows subdomains.
   */
  allowed_hostnames?: string[]
}

export class SiteError extends Error {
  constructor(
    readonly code: 'invalid_domain' | 'duplicate_domain' | 'invalid_timezone',
    message: string,
  ) {
    super(message)
  }
}

/**
 * The host part of an Origin or URL, as sites are matched: lower-case, no user info, no port, one
 * leading `www.` removed. Null when it is not `scheme://host…`.
 */
export function siteHostFromOrigin(origin: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^/:?#@]+)(?::\d*)?(?:[/?#]|$)/i.exec(origin)
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
    throw new SiteError(
      'invalid_domain',
      `Give the bare domain, such as example.com, not a URL: ${JSON.stringify(input)}`,
    )
  }
  if (d.startsWith('www.')) {
    throw new SiteError(
      'invalid_domain',
      `Leave out the leading www. (${JSON.stringify(input)}): it is matched automatically`,
    )
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
  if (!isValidTimezone(timezone))
    throw new SiteError('invalid_timezone', `Not an IANA time zone: ${JSON.stringify(timezone)}`)
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

/** Replaces a site's exclusion lists. Validates every entry; runs its own write transaction (CLI or worker only). */
export function setSiteFilters(
  store: Store,
  id: string,
  filters: { excluded_ips?: string[]; allowed_hostnames?: string[] },
): SiteRecord {
  for (const ip of filters.excluded_ips ?? []) {
    if (!parseCidr(ip)) throw new SiteError('invalid_domain', `Not an IP address or CIDR: ${JSON.stringify(ip)}`)
  }
  const hostnames = (filters.allowed_hostnames ?? []).map((h) => h.trim().toLowerCase())
  for (const h of hostnames) normaliseDomain(h.startsWith('*.') ? h.slice(2) : h.replace(/^www\./, ''))
  return store.env.transactionSync(() => {
    const site = getSite(store, id)
    if (!site) throw new SiteError('invalid_domain', `No site has the id ${id}`)
    const next: SiteRecord = {
      ...site,
      ...(filters.excluded_ips ? { excluded_ips: filters.excluded_ips } : {}),
      ...(filters.allowed_hostnames ? { allowed_hostnames: hostnames } : {}),
    }
    store.sites.putSync(id, next)
    return next
  })
}

/** Whether `hostname` (lower-case) is on the allow-list; an empty or missing list allows everything. */
export function hostnameAllowed(site: SiteRecord, hostname: string): boolean {
  const list = site.allowed_hostnames
  if (!list || list.length === 0) return true
  const host = hostname.startsWith('www.') ? hostname.slice(4) : hostname
  return list.some((h) =>
    h.startsWith('*.')
      ? host === h.slice(2) || host.endsWith(h.slice(1))
      : host === h || host === h.replace(/^www\./, ''),
  )
}
