/**
 * The optional per-tab session id: a random UUID in sessionStorage (never localStorage, never a cookie),
 * renewed after 30 minutes without an event — the engine's session timeout — so the server can group a
 * tab's pageviews without relying on the IP and User-Agent alone. Stored as `<uuid>.<last activity ms>`.
 *
 * The UUID comes from `crypto.randomUUID`, which browsers offer on secure (https) pages only; on a plain
 * http page there is no session id and the engine groups by its daily-salted visitor hash instead. A
 * getRandomValues fallback would cost ~5% of the gzip budget for pages that are rare and shrinking.
 * @module
 */
import type { Win } from './dom.js'

export const SESSION_KEY = 'hk_sid'
export const SESSION_IDLE_MS = 30 * 60 * 1000

/**
 * The tab's session id, refreshed; undefined without sessionStorage (it throws in sandboxed frames and
 * with storage blocked) or without crypto.randomUUID (http pages).
 */
export function sessionId(w: Pick<Win, 'sessionStorage' | 'crypto'>, now: number): string | undefined {
  try {
    const s = w.sessionStorage
    const [id, last] = s.getItem(SESSION_KEY)?.split('.') ?? []
    // No stored id: `last` is undefined and the comparison with NaN is false.
    const sid = now - Number(last) <= SESSION_IDLE_MS ? id! : w.crypto.randomUUID!()
    s.setItem(SESSION_KEY, sid + '.' + now)
    return sid
  } catch {
    return undefined
  }
}
