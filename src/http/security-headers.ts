/**
 * The security headers of hitring's answers, decided once from the public URL:
 *
 * - `X-Content-Type-Options: nosniff` on every answer, always: no body of ours is ever to be sniffed into
 *   another type.
 * - `Strict-Transport-Security: max-age=31536000` on every answer when the public URL is https (as the
 *   cookie's `Secure` flag, src/api/cookies.ts).
 * - `Cross-Origin-Opener-Policy: same-origin` on the dashboard's HTML when the public origin is potentially
 *   trustworthy: https, or http on `localhost`, `*.localhost`, 127.0.0.0/8 or `[::1]`.
 *
 * HSTS over plain http would be ignored anyway (RFC 6797 §8.1); it is left out so an http deployment
 * never pins anything. COOP on any other origin is ignored by browsers, and Chromium says so with a
 * console error on every load ("The Cross-Origin-Opener-Policy header has been ignored, because the URL's
 * origin was untrustworthy", https://html.spec.whatwg.org/multipage/browsers.html#the-coop-headers):
 * the rule follows the Secure Contexts definition
 * (https://w3c.github.io/webappsec-secure-contexts/#is-origin-trustworthy). Decided on the public URL, not per request:
 * it is where the dashboard is meant to be opened.
 *
 * Configured once by src/app/create-app.ts at start-up (one app per process): only the port of the default
 * public URL is learnt later, at listen, and neither rule depends on it. The header bytes are
 * precomputed (`nativeString`), so the ingest path pays no string conversion for them.
 * @module
 */
import type { HttpResponse } from '../native/uws.js'
import { nativeString } from '../native/native-string.js'

const NOSNIFF_NAME = nativeString('X-Content-Type-Options')
const NOSNIFF = nativeString('nosniff')
const HSTS_NAME = nativeString('Strict-Transport-Security')
const HSTS = nativeString('max-age=31536000')
const COOP_NAME = nativeString('Cross-Origin-Opener-Policy')
const SAME_ORIGIN = nativeString('same-origin')

/** Whether the public URL is https: HSTS here, the session cookie's `Secure` flag (src/api/cookies.ts). */
export const isHttps = (publicUrl: string): boolean => publicUrl.toLowerCase().startsWith('https://')

let strictTransport = false
let trustworthyOrigin = true

/** Whether browsers treat the URL's origin as potentially trustworthy (a secure context). */
export function isPotentiallyTrustworthy(url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.protocol === 'https:') return true
  if (parsed.protocol !== 'http:') return false
  const host = parsed.hostname // lower-cased; IPv4 normalised (127.1 → 127.0.0.1); IPv6 in brackets
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/** Start-up, once, before the app answers anything. */
export function configureSecurityHeaders(publicUrl: string): void {
  strictTransport = isHttps(publicUrl)
  trustworthyOrigin = isPotentiallyTrustworthy(publicUrl)
}

/** The headers of every answer; ./respond.ts `writeHead` writes them right after the status line. */
export function writeSecurityHeaders(res: HttpResponse): void {
  res.writeHeader(NOSNIFF_NAME, NOSNIFF)
  if (strictTransport) res.writeHeader(HSTS_NAME, HSTS)
}

/** COOP for an HTML document (the dashboard), when browsers would honour it. */
export function writeOpenerPolicy(res: HttpResponse): void {
  if (trustworthyOrigin) res.writeHeader(COOP_NAME, SAME_ORIGIN)
}
