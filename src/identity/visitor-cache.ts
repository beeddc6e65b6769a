/**
 * A drain worker's memory of visitor ids it computed: the same (salt day, site, IP, User-Agent) always
 * hashes to the same id (./visitor.ts), and a visitor sends many events, so the SHA-256 (~1.3 µs, the
 * drain's largest single cost once sessions moved to shared memory) is paid once per visitor and day
 * instead of once per event. Memory only, bounded; ids are as secret as the salts, never stored here.
 * @module
 */
import { VISITOR_ID_BYTES, visitorId } from './visitor.js'

/** Entries kept before the cache starts over (~100 bytes each). */
const MAX_ENTRIES = 200_000

export class VisitorCache {
  /**
   * day → User-Agent → site → IP → id. UA first: no ~100-character key string built per event. An IPv4
   * address is keyed as its int32 (`| 0`: a small integer on 64-bit Node, where a u32 above 2^31 would be a
   * heap number, allocated and hashed per lookup); an IPv6 address as a string of its bytes.
   */
  readonly #days = new Map<number, Map<string, Map<number, Map<number | string, Buffer>>>>()
  /**
   * The ids themselves, 16 bytes each, in one slab; an entry is a view of its part. Each digest of its
   * own kept a Buffer, a view and an ArrayBuffer alive per visitor — with many new visitors (a
   * back-fill) promoting them was much of a drain worker's GC. A slab is never written twice: ids already
   * handed out (items of a batch in flight) keep pointing at their bytes; starting over takes a new one.
   * Its fill is also the cache's bound: entries of forgotten days keep their part until then.
   */
  #slab = newSlab()
  #used = 0

  /** The visitor id of (`day`, `site`, `ip`, `userAgent`); `salt` is asked for only on a miss. */
  get(day: number, site: number, ip: Uint8Array, userAgent: string, salt: (day: number) => Buffer): Buffer {
    let byUa = this.#days.get(day)
    if (!byUa) {
      // A new day: ids of days before yesterday are no longer asked for (their salts are gone).
      for (const d of this.#days.keys()) if (d < day - 1) this.#days.delete(d)
      this.#days.set(day, (byUa = new Map()))
    }
    let bySite = byUa.get(userAgent)
    if (!bySite) byUa.set(userAgent, (bySite = new Map()))
    let byIp = bySite.get(site)
    if (!byIp) bySite.set(site, (byIp = new Map()))
    const key = ip.length === 4 ? (ip[0]! << 24) | (ip[1]! << 16) | (ip[2]! << 8) | ip[3]! : String.fromCharCode(...ip)
    let id = byIp.get(key)
    if (id === undefined) {
      if (this.#used >= MAX_ENTRIES) {
        this.clear()
        return this.get(day, site, ip, userAgent, salt)
      }
      const at = this.#used++ * VISITOR_ID_BYTES
      visitorId(salt(day), site, ip, userAgent).copy(this.#slab, at)
      byIp.set(key, (id = this.#slab.subarray(at, at + VISITOR_ID_BYTES)))
    }
    return id
  }

  /**
   * Forgets everything: after a failed transaction, since a salt created in it was rolled back and the
   * day's next salt will differ.
   */
  clear(): void {
    this.#days.clear()
    this.#slab = newSlab()
    this.#used = 0
  }
}

function newSlab(): Buffer {
  return Buffer.allocUnsafeSlow(MAX_ENTRIES * VISITOR_ID_BYTES)
}
