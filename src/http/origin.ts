/**
 * Which `Origin` values the ingest routes echo into `Access-Control-Allow-Origin` (./respond.ts): those
 * shaped like an origin (src/net/origin.ts). Anything else comes from no browser, and echoing it only
 * helps it harm: an Origin of ~125 KiB echoed made an answer whose head clients refused ("Header
 * overflow"). Such an answer goes without CORS headers, so a browser does not expose it; the request is
 * processed as before (an Origin of no site is still an `unknown_site_origin` drop: src/http/ingest-route.ts).
 *
 * It runs on every browser ingest answer, 202s included, so the origin last accepted is remembered: the
 * usual run of requests from one site costs one string comparison (figures: {@link echoesOrigin}).
 * @module
 */
import { isPlausibleOrigin } from '../net/origin.js'

/** The origin {@link echoesOrigin} last accepted. */
let lastEchoed = 'null'

/**
 * Whether an answer echoes `origin`. Measured on top of making the header's string (~50 ns), in
 * bench/origin.bench.ts: +4–6 ns for the same origin as the answer before, +50–65 ns for another one (the
 * expression; a character scan of the same rule took +67–80 ns); one over the length is refused before it.
 */
export function echoesOrigin(origin: string): boolean {
  if (origin === lastEchoed) return true
  if (!isPlausibleOrigin(origin)) return false
  lastEchoed = origin
  return true
}
