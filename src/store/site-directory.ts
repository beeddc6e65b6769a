/**
 * The HTTP thread's view of the sites: resolve a `site_id` or an Origin host to the site (with its
 * compiled exclusion lists) using synchronous LMDB reads — reads are fine on the HTTP thread, writes are
 * not — cached in memory and re-read every few seconds so changes made by another process (`hitring
 * site …`) take effect without a restart.
 *
 * A site created by another process is committed to LMDB but invisible to this thread's current read
 * transaction until it is renewed, so a miss renews it once and reads again.
 * @module
 */
import { CidrSet } from '../net/ip.js'
import type { Store } from './open.js'
import type { SiteRecord } from './sites.js'

export interface KnownSite {
  record: SiteRecord
  excludedIps: CidrSet | null
  loadedAt: number
}

const REFRESH_MS = 5_000
/** The longest domain name (RFC 1035 §2.3.4, as normaliseDomain in ./sites.ts checks). */
const MAX_DOMAIN_LENGTH = 253

export class SiteDirectory {
  readonly #byId = new Map<string, KnownSite>()
  readonly #byDomain = new Map<string, KnownSite>()

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  byId(id: string): KnownSite | undefined {
    return this.#fresh(this.#byId.get(id)) ?? this.#load(() => this.store.sites.get(id) as SiteRecord | undefined)
  }

  byDomain(domain: string): KnownSite | undefined {
    // No registered domain is longer (normaliseDomain), and the host of an Origin header can be ~125 KiB:
    // past ~4 KB the LMDB read throws (the key does not fit lmdb-js's key buffer), and on the HTTP thread
    // that ended the process.
    if (domain.length > MAX_DOMAIN_LENGTH) return undefined
    return (
      this.#fresh(this.#byDomain.get(domain)) ??
      this.#load(() => {
        const id = this.store.siteDomains.get(domain)
        return id === undefined ? undefined : (this.store.sites.get(id) as SiteRecord | undefined)
      })
    )
  }

  #fresh(known: KnownSite | undefined): KnownSite | undefined {
    return known && this.now() - known.loadedAt < REFRESH_MS ? known : undefined
  }

  #load(read: () => SiteRecord | undefined): KnownSite | undefined {
    this.store.env.resetReadTxn()
    const record = read()
    if (!record) return undefined
    const known: KnownSite = {
      record,
      excludedIps: record.excluded_ips?.length ? new CidrSet(record.excluded_ips) : null,
      loadedAt: this.now(),
    }
    this.#byId.set(record.id, known)
    this.#byDomain.set(record.domain, known)
    return known
  }
}
