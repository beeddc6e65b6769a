/**
 * Per-client rate limiting for the HTTP front end: GCRA in one SharedArrayBuffer table that every
 * front-end thread shares, keyed by client IP (IPv4, or the IPv6 /64). Lock-free, never blocks, and
 * fails open under table pressure: an analytics ingest must not drop traffic because a table filled up.
 *
 * Create the table once on the main thread, pass it to workers in `workerData`, and build one
 * `RateLimiter` per thread and per limit (ingest, api, auth) on it, each with its own `limiterId`.
 *
 * @example
 * ```ts
 * import { createLimiterTable, RateLimiter } from './limiter/index.js'
 * import { clientIpFromForwarded, limiterKeyBytes, CidrSet } from './net/ip.js'
 *
 * const table = createLimiterTable()                       // 1 MiB, 65,536 slots
 * const ingest = new RateLimiter(table, { rate: 20, burst: 40 }, { limiterId: 1 })
 * const trusted = new CidrSet(['10.0.0.0/8'])
 *
 * // top of the uWS handler, before reading the body:
 * const ip = clientIpFromForwarded(new Uint8Array(res.getRemoteAddress()), req.getHeader('x-forwarded-for'), trusted)
 * const waitMs = ingest.admit(limiterKeyBytes(ip))
 * if (waitMs > 0)
 *   res.writeStatus('429 Too Many Requests').writeHeader('Retry-After', String(Math.ceil(waitMs / 1000))).end()
 * ```
 * @module
 */
export { createLimiterTable, RateLimiter } from './gcra.js'
export type { LimiterOptions, LimiterStats } from './gcra.js'
export { DEFAULT_CAPACITY, PROBE_WINDOW, MAX_CAS_ATTEMPTS } from './layout.js'
