/**
 * Realtime: `GET /api/sites/{id}/realtime` (visitors in the last 5 minutes, from memory) and
 * `GET /api/sites/{id}/stream` (Server-Sent Events): a `stats` event with today's KPIs at once and
 * within about a second of every commit touching the site — at most one per second per connection —
 * and a heartbeat comment every 15 s. Figures only, never anything about a visitor.
 *
 * A stream follows access: before every push and every heartbeat the caller is checked again — its
 * login session or API client still there and unexpired, its role on the site still at least viewer —
 * and the stream ends (the client sees it close, nothing more is sent) once it is not. Writes that take
 * access away end the streams at once (../revocation.ts); a session that simply expires ends its streams
 * at their next push or heartbeat. Open streams are capped per user and per client IP (../streams.ts).
 * @module
 */
import { z } from 'zod'
import { listGoals } from '../../goals/store.js'
import { kpisSchema, siteStats, todayIn } from '../../query/index.js'
import { getSite, type SiteRecord } from '../../store/index.js'
import { stillAllowed } from '../access.js'
import { siteRoute } from '../site-route.js'
import { siteIdParams } from '../schemas.js'
import type { SseStream } from '../sse.js'
import type { ApiDeps, Principal } from '../types.js'

export const STREAM_MIN_INTERVAL_MS = 1000
export const HEARTBEAT_MS = 15_000

const realtimeSchema = z.object({
  visitors: z.number().int().describe('Distinct visitors with an event in the last 5 minutes'),
})
const streamEventSchema = z
  .object({
    site_id: z.string(),
    date: z.string().describe("Today in the site's zone"),
    kpis: kpisSchema,
    visitors_now: z.number().int(),
    at: z.string(),
  })
  .describe('The data of each `event: stats` message (text/event-stream)')

/** Whether `principal` may still watch the site, read from the latest committed snapshot; never throws. */
function watchAllowed(deps: ApiDeps, principal: Principal, siteId: string): () => boolean {
  return () => {
    try {
      // Writes and commits happen in workers: renew this thread's read snapshot before reading.
      deps.store.env.resetReadTxn()
      return stillAllowed(deps.store, principal, siteId, 'viewer', deps.now())
    } catch (err) {
      // Called from timers, where a throw would end the process; a failed read is no reason to keep serving figures.
      deps.logger.error({ err, siteId }, 'stream: could not re-check access; ending it')
      return false
    }
  }
}

function streamStats(deps: ApiDeps, watched: SiteRecord, allowed: () => boolean, sse: SseStream): void {
  const siteId = watched.id
  let last = 0
  let timer: NodeJS.Timeout | null = null
  const push = (): void => {
    timer = null
    if (!sse.open) return
    last = deps.now()
    // allowed() renews the read snapshot, so the reads below also see the commit that woke this push.
    if (!allowed()) return sse.end() // signed out, expired, token deleted, removed from the site, site deleted…
    const site: SiteRecord | undefined = getSite(deps.store, siteId)
    if (!site) return sse.end()
    try {
      const date = todayIn(site.timezone, last)
      const stats = siteStats(deps.store, site, listGoals(deps.store, site.id), { from: date, to: date }, last)
      sse.send('stats', {
        site_id: site.id,
        date,
        kpis: stats.kpis,
        visitors_now: deps.hub.visitorsNow(site.num),
        at: new Date(last).toISOString(),
      })
    } catch (err) {
      deps.logger.error({ err, siteId }, 'stream: could not compute the figures')
    }
  }
  const changed = (): void => {
    // Coalesce: one push per interval, however many commits arrive in it.
    if (timer === null) timer = setTimeout(push, Math.max(0, last + STREAM_MIN_INTERVAL_MS - deps.now()))
  }
  const unsubscribe = deps.hub.subscribe(watched.num, changed)
  // The heartbeat checks too: a session that expires while nothing is written or committed still ends its streams.
  const heartbeat = setInterval(() => (allowed() ? sse.comment('heartbeat') : sse.end()), HEARTBEAT_MS)
  sse.onClose(() => {
    unsubscribe()
    clearInterval(heartbeat)
    if (timer !== null) clearTimeout(timer)
  })
  push()
}

export const realtimeRoutes = [
  siteRoute({
    method: 'GET',
    path: '/api/sites/:id/realtime',
    summary: 'Visitors in the last 5 minutes',
    tag: 'stats',
    access: 'any',
    limit: 'api',
    params: siteIdParams,
    responses: { 200: { description: 'OK', schema: realtimeSchema } },
    role: 'viewer',
    handle({ deps, site }) {
      return { status: 200, body: { visitors: deps.hub.visitorsNow(site.num) } }
    },
  }),

  siteRoute({
    method: 'GET',
    path: '/api/sites/:id/stream',
    summary: "Server-Sent Events: today's KPIs, pushed within 2 s of new data",
    tag: 'stats',
    access: 'any',
    limit: 'api',
    params: siteIdParams,
    responses: {
      200: {
        description: 'text/event-stream of `stats` events; it ends when the caller loses access to the site',
        schema: streamEventSchema,
        contentType: 'text/event-stream',
      },
      429: {
        description:
          'Over the per-IP rate limit (`rate_limited`), or over the cap of open streams per user or per client IP ' +
          '(`too_many_streams`); see Retry-After',
      },
    },
    role: 'viewer',
    handle({ principal, deps, site }) {
      const allowed = watchAllowed(deps, principal!, site.id)
      return {
        watcher: { userId: principal!.user.id, siteId: site.id, allowed },
        stream: (sse: SseStream) => streamStats(deps, site, allowed, sse),
      }
    },
  }),
]
