/**
 * The HTTP thread's view of the sites: resolve a `site_id` or an Origin host to the site's number with
 * synchronous LMDB reads (reads are fine on the HTTP thread; writes are not), cached in memory.
 *
 * A site created by another process (`hitring site add`) is committed to LMDB but invisible to this
 * thread's current read transaction until it is renewed, so a miss renews it once and reads again.
 * @module
 */
import type { Store } from './open.js'
import type { SiteRecord } from './sites.js'

export class SiteDirectory {
  readonly #byId = new Map<string, SiteRecord>()
  readonly #byDomain = new Map<string, SiteRecord>()

  constructor(private readonly store: Store) {}

  byId(id: string): SiteRecord | undefined {
    return this.#byId.get(id) ?? this.#load(() => this.store.sites.get(id) as SiteRecord | undefined)
  }

  byDomain(domain: string): SiteRecord | undefined {
    return this.#byDomain.get(domain) ?? this.#load(() => {
      const id = this.store.siteDomains.get(domain)
      return id === undefined ? undefined : (this.store.sites.get(id) as SiteRecord | undefined)
    })
  }

  #load(read: () => SiteRecord | undefined): SiteRecord | undefined {
    let site = read()
    if (!site) {
      this.store.env.resetReadTxn()
      site = read()
    }
    if (site) {
      this.#byId.set(site.id, site)
      this.#byDomain.set(site.domain, site)
    }
    return site
  }
}
