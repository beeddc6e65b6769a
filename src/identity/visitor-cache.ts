/**
 * A drain worker's memory of visitor ids it computed: the same (salt day, site, IP, User-Agent) always
 * hashes to the same id (./visitor.ts), and a visitor sends many events, so the SHA-256 (~1.3 µs, the
 * drain's largest single cost once sessions moved to shared memory) is paid once per visitor and day
 * instead of once per event. Memory only, bounded; ids are as secret as the salts, never stored here.
 * @module
 */
import { visitorId } from './visitor.js'

/** Entries kept before the cache starts over (~100 bytes each). */
const MAX_ENTRIES = 200_000

export class VisitorCache {
  /** day → User-Agent → (site, IP) → id. UA first: no ~100-character key string built per event. */
  readonly #days = new Map<number, Map<string, Map<number | string, Buffer>>>()
  #size = 0

  /** The visitor id of (`day`, `site`, `ip`, `userAgent`); `salt` is asked for only on a miss. */
  get(day: number, site: number, ip: Uint8Array, userAgent: string, salt: (day: number) => Buffer): Buffer {
    let byUa = this.#days.get(day)
    if (!byUa) {
      // A new day: ids of days before yesterday are no longer asked for (their salts are gone).
      for (const d of this.#days.keys()) if (d < day - 1) this.#forgetDay(d)
      this.#days.set(day, (byUa = new Map()))
    }
    let bySiteIp = byUa.get(userAgent)
    if (!bySiteIp) byUa.set(userAgent, (bySiteIp = new Map()))
    const key = siteIpKey(site, ip)
    let id = bySiteIp.get(key)
    if (id === undefined) {
      if (this.#size >= MAX_ENTRIES) this.clear()
      id = visitorId(salt(day), site, ip, userAgent)
      // The cache may just have been cleared: store under fresh maps.
      this.#insert(day, userAgent, key, id)
    }
    return id
  }

  #insert(day: number, userAgent: string, key: number | string, id: Buffer): void {
    let byUa = this.#days.get(day)
    if (!byUa) this.#days.set(day, (byUa = new Map()))
    let bySiteIp = byUa.get(userAgent)
    if (!bySiteIp) byUa.set(userAgent, (bySiteIp = new Map()))
    bySiteIp.set(key, id)
    this.#size++
  }

  /**
   * Forgets everything: after a failed transaction, since a salt created in it was rolled back and the
   * day's next salt will differ.
   */
  clear(): void {
    this.#days.clear()
    this.#size = 0
  }

  #forgetDay(day: number): void {
    for (const m of this.#days.get(day)!.values()) this.#size -= m.size
    this.#days.delete(day)
  }
}

/** One number for an IPv4 address and a site below 2^21 (exact in a double); a string otherwise. */
function siteIpKey(site: number, ip: Uint8Array): number | string {
  if (ip.length === 4 && site < 2 ** 21) return site * 2 ** 32 + (((ip[0]! << 24) | (ip[1]! << 16) | (ip[2]! << 8) | ip[3]!) >>> 0)
  return `${site}|${String.fromCharCode(...ip)}`
}
