/**
 * Cross-site request forgery defence for cookie-authenticated writes (issue 4, "CSRF"): a state-changing
 * request is refused when the browser says it is cross-site (`Sec-Fetch-Site: cross-site`), or when its
 * `Origin` — or, without one, its `Referer` — is not the public URL's origin. A request with none of
 * these headers is not from a browser (curl, server code) and is allowed; requests authenticated by an
 * API token are exempt (browsers never attach those on their own). `SameSite=Lax` on the cookie is the
 * second line.
 *
 * Unlike HitKeep (spec §8.5), a refusal is an honest 403 with a JSON reason, not a 404.
 * @module
 */

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

/** scheme://host[:port], lower-case, default port dropped; null when `url` is not an absolute http(s) URL. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null
  } catch {
    return null
  }
}

/** Null when allowed; otherwise why the request is refused. */
export function crossSiteReason(
  method: string,
  headers: { origin: string; referer: string; secFetchSite: string },
  publicOrigin: string,
): string | null {
  if (SAFE.has(method)) return null
  if (headers.secFetchSite.toLowerCase() === 'cross-site') return 'Sec-Fetch-Site is cross-site'
  if (headers.origin !== '') {
    return originOf(headers.origin) === publicOrigin ? null : `Origin ${JSON.stringify(headers.origin)} is not ${publicOrigin}`
  }
  if (headers.referer !== '') {
    return originOf(headers.referer) === publicOrigin ? null : `Referer is not on ${publicOrigin}`
  }
  return null
}
