/**
 * Sessions, maintained incrementally: a session is a run of one visitor's events with no gap over 30
 * minutes. Every figure a dashboard shows about visits — visits, bounces, total duration, entry and exit
 * pages, and the attribution dimensions (source, UTM, browser…) — is kept as rollup counters attributed
 * to the session's START, and adjusted as the session grows: a second pageview un-bounces it (bounces
 * −1), a later event lengthens it (duration + gap), a new last page moves the exit (old exit −1, new
 * exit +1). So bounce rate and average duration over any range are read from counters, never by scans.
 *
 * The same {@link advanceSession} runs in the drain (live) and in the recount (replaying raw events), so
 * the two cannot disagree.
 * @module
 */

export const SESSION_TIMEOUT_MS = 30 * 60 * 1000

export interface SessionState {
  /** Session number (per store), also written into each raw event of the session. */
  no: number
  start: number
  last: number
  /** Pageviews so far. */
  pv: number
  /** Interned path ids of the first and the latest pageview (0 while the session has none). */
  entry: number
  exit: number
}

export interface SessionEvent {
  ts: number
  /** 0 pageview, 1 custom event. */
  kind: 0 | 1
  pathId: number
}

/** What a session change does to the counters; all attributed to `start` (the session's start time). */
export interface SessionEffects {
  started: boolean
  bouncesDelta: -1 | 0 | 1
  durationDeltaMs: number
  entryAdded: number
  exitRemoved: number
  exitAdded: number
}

export function isExpired(state: SessionState, ts: number): boolean {
  return ts - state.last > SESSION_TIMEOUT_MS
}

/**
 * Applies one event to the visitor's current session (or starts one). `newSessionNo` is called only
 * when a session starts. Returns the new state and its effects on the counters.
 */
export function advanceSession(
  current: SessionState | undefined,
  ev: SessionEvent,
  newSessionNo: () => number,
): { state: SessionState; effects: SessionEffects } {
  const effects: SessionEffects = {
    started: false,
    bouncesDelta: 0,
    durationDeltaMs: 0,
    entryAdded: 0,
    exitRemoved: 0,
    exitAdded: 0,
  }
  let state: SessionState
  if (current === undefined || isExpired(current, ev.ts)) {
    state = { no: newSessionNo(), start: ev.ts, last: ev.ts, pv: 0, entry: 0, exit: 0 }
    effects.started = true
  } else {
    state = { ...current }
    // Events of one visitor arrive in order (one lane, one task at a time); a clock step backwards must
    // not shorten a session.
    if (ev.ts > state.last) {
      effects.durationDeltaMs = ev.ts - state.last
      state.last = ev.ts
    }
  }
  if (ev.kind === 0) {
    state.pv++
    if (state.pv === 1) {
      effects.bouncesDelta = 1
      state.entry = ev.pathId
      effects.entryAdded = ev.pathId
    } else if (state.pv === 2) {
      effects.bouncesDelta = -1
    }
    if (state.exit !== ev.pathId) {
      effects.exitRemoved = state.exit
      effects.exitAdded = ev.pathId
      state.exit = ev.pathId
    }
  }
  return { state, effects }
}
