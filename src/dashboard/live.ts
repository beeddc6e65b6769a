/**
 * "Visitors now": the site's Server-Sent Events stream (`GET /api/sites/{id}/stream`, a `stats` event at
 * once and within about a second of new data), and, where the stream cannot be used — no EventSource,
 * a proxy that buffers or cuts it, a refusal — polling `GET /api/sites/{id}/realtime` instead.
 * @module
 */
import { api, ApiError } from './api.js'
import { doc, win, type EventSource_, type MessageEv } from './dom.js'
import type { Kpis } from './types.js'

export interface LiveUpdate {
  visitorsNow: number
  /** Today's figures in the site's zone (stream only). */
  today?: { date: string; kpis: Kpis }
  via: 'stream' | 'poll'
}

export const POLL_MS = 10_000
/** No first `stats` event within this long: the stream is not getting through; poll. */
const FIRST_EVENT_MS = 6_000
const CLOSED = 2

export function watchLive(
  siteId: string,
  onUpdate: (u: LiveUpdate) => void,
  onError: (err: ApiError) => void,
): () => void {
  let stopped = false
  let es: EventSource_ | null = null
  let timer: number | undefined
  let watchdog: number | undefined

  const poll = async (): Promise<void> => {
    if (stopped) return
    let wait = POLL_MS
    if (doc.visibilityState !== 'hidden') {
      try {
        const r = await api.realtime(siteId)
        if (!stopped) onUpdate({ visitorsNow: r.visitors, via: 'poll' })
      } catch (err) {
        if (stopped) return
        if (err instanceof ApiError) onError(err)
        wait = POLL_MS * 3
      }
    }
    if (!stopped) timer = win.setTimeout(() => void poll(), wait)
  }

  const fallBack = (): void => {
    if (stopped || es === null) return
    es.close()
    es = null
    win.clearTimeout(watchdog)
    void poll()
  }

  if (win.EventSource) {
    es = new win.EventSource(api.streamUrl(siteId))
    watchdog = win.setTimeout(fallBack, FIRST_EVENT_MS)
    es.addEventListener('stats', (e: MessageEv) => {
      win.clearTimeout(watchdog)
      try {
        const d = JSON.parse(e.data) as { visitors_now: number; date: string; kpis: Kpis }
        onUpdate({ visitorsNow: d.visitors_now, today: { date: d.date, kpis: d.kpis }, via: 'stream' })
      } catch {
        fallBack()
      }
    })
    // EventSource reconnects by itself after a dropped connection; CLOSED means it gave up (a non-200 answer).
    es.addEventListener('error', () => {
      if (es?.readyState === CLOSED) fallBack()
    })
  } else void poll()

  return () => {
    stopped = true
    es?.close()
    win.clearTimeout(timer)
    win.clearTimeout(watchdog)
  }
}
