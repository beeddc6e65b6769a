/**
 * Cross-site request forgery defence for cookie-authenticated writes (issue 4, "CSRF"): a state-changing
 * request is refused when the browser says it is cross-site (`Sec-Fetch-Site: cross-site`), or when its
 * `Origin` — or, without one, its `Referer` — is not the server's own origin. A request with none of
 * these headers is not from a browser (curl, server code) and is allowed; requests authenticated by an
 * API token are exempt (browsers never attach those on their own). `SameSite=Lax` on the cookie is the
 * second line.
 *
 * The server's own origin:
 * - with `-public-url`, the public URL's origin, strictly: the operator said where the dashboard lives.
 * - without it, the origin of the address the request reached: `http://` + its `Host` header (issue 14:
 *   a server bound to 127.0.0.1:8080 and opened at http://127.0.0.1:8080 refused the sign-in because
 *   the default public URL said localhost). http, because that is all this server serves; behind an
 *   https proxy the operator sets -public-url, and the refusal says so.
 *
 * Why the `Host` rule still stops cross-site writes: a cross-site page cannot make the browser send the
 * victim's `Host` with an `Origin` that matches it — the browser sets both, `Origin` to the attacking
 * page's. A DNS-rebinding page (attacker.example re-resolved to 127.0.0.1 after it loaded) does send
 * `Host: attacker.example` with a matching `Origin`, and passes; but browsers keep cookies per host, so
 * the session cookie of 127.0.0.1 or localhost is never sent to attacker.example, and no
 * cookie-authenticated write can happen. Left to such a page are the writes that need no cookie:
 * sign-in and first-user set-up, which need a password or the one-time set-up token it does not have,
 * guessed at most at the auth limiter's pace (2/s per IP by default), as by any client of the port. An
 * operator who wants no such exposure of a loopback-only server sets -public-url: then only its origin
 * passes. The cookie's `Secure` flag follows the public URL (src/api/cookies.ts): never over this
 * plain-http default.
 *
 * Unlike HitKeep (spec §8.5), a refusal is an honest 403 with a JSON reason, not a 404.
 * @module
 */

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])
/** A `Host` header as a browser sends it: a name, IPv4 or bracketed IPv6 address, and an optional port. */
const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i

/** scheme://host[:port], lower-case, default port dropped; null when `url` is not an absolute http(s) URL. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null
  } catch {
    return null
  }
}

/** The origin a request reached without a public URL: `http://` + its `Host`; null for a malformed one. */
export function reachedOrigin(host: string): string | null {
  return HOST.test(host) ? originOf(`http://${host}`) : null
}

const SET_PUBLIC_URL = 'set -public-url / HITKEEP_PUBLIC_URL to the address you open'

/**
 * Null when allowed; otherwise why the request is refused. `publicOrigin`: the origin of -public-url, or
 * null when none was configured (then the origin the request reached, from `host`).
 */
export function crossSiteReason(
  method: string,
  headers: { origin: string; referer: string; secFetchSite: string; host: string },
  publicOrigin: string | null,
): string | null {
  if (SAFE.has(method)) return null
  if (headers.secFetchSite.toLowerCase() === 'cross-site') return 'Sec-Fetch-Site is cross-site'
  const [header, value] = headers.origin !== '' ? ['Origin', headers.origin] : ['Referer', headers.referer]
  if (value === '') return null
  const sent = originOf(value)
  const shown = header === 'Origin' ? JSON.stringify(value) : JSON.stringify(sent ?? value)
  if (publicOrigin !== null) {
    return sent === publicOrigin ? null : `${header} ${shown} is not the public URL ${publicOrigin} (${SET_PUBLIC_URL})`
  }
  const reached = reachedOrigin(headers.host)
  if (reached !== null && sent === reached) return null
  const where =
    reached === null ? 'does not match the Host header' : `is not ${reached}, the address this server was reached at`
  return `${header} ${shown} ${where} (behind an https proxy, ${SET_PUBLIC_URL})`
}
