/**
 * The validated, normalised ingest payload: what src/ingest/payload.ts (browser bodies, HitKeep's
 * tracker bodies) and src/ingest/server-payload.ts (server items) turn a request into, what the ring
 * record (./record.ts) carries to a drain worker, and what the worker derives the stored event from.
 * Its fields are listed, with their limits and where each goes, in ./fields.ts.
 * @module
 */

export enum EventKind {
  Pageview = 0,
  Custom = 1,
}

export type PropValue = string | number | boolean

/** A validated, normalised ingest payload. */
export interface IngestPayload {
  kind: EventKind
  siteId: string | undefined
  /** Event name; `pageview` for pageviews. */
  name: string
  url: string
  referrer: string
  props: Record<string, PropValue> | null
  sessionId: string | undefined
  screenWidth: number | undefined
  /** The visitor's language tag as sent (hk.js: `navigator.language`), checked; the drain keeps its primary subtag. */
  language: string | undefined
  /**
   * Sent by hk.js in an automated browser allowed by `data-allow-webdriver="true"`: the HTTP thread then
   * skips only the headless-User-Agent bot rule (src/http/filters.ts). Not carried in the ring record.
   */
  webdriver: boolean
}
