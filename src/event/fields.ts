/**
 * THE field table of an event, in two halves read together: what comes in (the JSON fields of the
 * ingest bodies: type, limits, where the ring record carries each, how the OpenAPI document describes
 * it) and what is stored (the fields of a raw event, in the event-block codec's order, each naming the
 * payload field it is derived from, its interned-string namespace and, for a visit attribute, its
 * rollup and top list). See ./index.ts for how to add a field.
 *
 * Derived from it: the {@link StoredEvent} type (./stored.ts), the reading of format-2 blocks (a field's
 * position in those msgpack tuples is its index here), the OpenAPI schemas of server ingestion
 * (src/api/server-ingest-docs.ts), the interning namespaces and visit metrics (src/store/strings.ts,
 * src/store/metrics.ts) and the stats answer's visit-attribute lists (src/query/stats.ts, schemas.ts).
 * Generated from it once at load (./compile.ts): the ids the drain interns (src/drain/write-batch.ts),
 * the visit attributes it counts (src/derive/count.ts) and the event-block codec's ids and format
 * (src/store/event-block.ts). Checked against it by tests: the hand-written ring record
 * (test/event-schema.test.ts) and the event-block codec's field order (test/event-block.test.ts).
 * @module
 */
import { Limits } from './limits.js'

/**
 * The bodies a payload field is read from: `browser` (`POST /ingest`, `/ingest/event`), `server`
 * (`/api/ingest/server/*`, batch items).
 */
export type Body = 'browser' | 'server'

export interface PayloadField {
  /** The JSON key. */
  readonly json: string
  readonly bodies: readonly Body[]
  readonly type: 'url' | 'string' | 'name' | 'uuid' | 'whole' | 'props' | 'boolean' | 'date-time' | 'ip' | 'language'
  /** Required on every body of `bodies` (`always`), on custom events only (`events`), or optional (absent). */
  readonly required?: 'always' | 'events'
  /** Documented and read on server items for custom events only. */
  readonly eventsOnly?: boolean
  readonly min?: number
  readonly max?: number
  /** The property it becomes: of the validated payload (`payload.*`, ./payload.ts) or of the ring record. */
  readonly to?: string
  /** Where the ring record (./record.ts) carries it, or what becomes of it on the HTTP thread. */
  readonly ring: string
  /** Its OpenAPI description (src/api/server-ingest-docs.ts). */
  readonly doc: string
}

/** RFC 3339, as src/ingest/server-payload.ts checks it (a space for the `T` is allowed, as RFC 3339 permits). */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/
/** A language tag as browsers send it (BCP 47: letters, digits, `-`; `_` as some systems write it), ≤ 35. */
export const LANGUAGE_TAG = /^[A-Za-z0-9_-]{0,35}$/

/** The fields of the ingest bodies, in the order the OpenAPI document lists them. */
export const PAYLOAD_FIELDS = [
  {
    json: 'site_id',
    bodies: ['browser'],
    type: 'uuid',
    to: 'payload.siteId',
    ring: 'not carried: it selects the site (header siteNum)',
    doc: 'The site id; without it, the Origin selects the site',
  },
  {
    json: 'url',
    bodies: ['browser', 'server'],
    type: 'url',
    required: 'always',
    max: Limits.urlBytes,
    to: 'payload.url',
    ring: 'str url',
    doc:
      `Absolute http(s) URL of the page, at most ${Limits.urlBytes} bytes; ` +
      `its host (lower-case, without www.) selects the site`,
  },
  {
    json: 'timestamp',
    bodies: ['server'],
    type: 'date-time',
    required: 'always',
    to: 'receivedAt',
    ring: 'header receivedAt',
    doc:
      `When the event happened (RFC 3339); ` +
      `at most ${Limits.futureMs / 60_000} minutes ahead, not older than -backfill-window (default 7 days)`,
  },
  {
    json: 'visitor_ip',
    bodies: ['server'],
    type: 'ip',
    required: 'always',
    min: 1,
    to: 'ip',
    ring: 'header ip (never stored)',
    doc:
      "The visitor's IPv4 or IPv6 address (not your server's): " +
      "used for the visitor hash and the site's excluded IPs, never stored",
  },
  {
    json: 'user_agent',
    bodies: ['server'],
    type: 'string',
    required: 'always',
    min: 1,
    to: 'userAgent',
    ring: 'header ua (never stored)',
    doc:
      `The visitor's User-Agent, not empty (cut beyond ${Limits.userAgentBytes} bytes, never stored); ` +
      `library User-Agents are not taken for bots`,
  },
  {
    json: 'referrer',
    bodies: ['browser', 'server'],
    type: 'string',
    to: 'payload.referrer',
    ring: 'str referrer',
    doc: `The page's referrer, cut (not refused) beyond ${Limits.referrerBytes} bytes`,
  },
  {
    json: 'session_id',
    bodies: ['browser', 'server'],
    type: 'uuid',
    to: 'payload.sessionId',
    ring: 'flag 1: str session id',
    doc: 'Groups the events of one visit (a UUID); without it, the visitor hash does',
  },
  {
    json: 'language',
    bodies: ['browser', 'server'],
    type: 'language',
    max: Limits.languageChars,
    to: 'payload.language',
    ring: 'flag 8: str language',
    doc:
      `The visitor's language tag, such as pt-BR (at most ${Limits.languageChars} letters, digits, - or _); ` +
      `its primary subtag, lower-cased (pt), is stored as the visit's language`,
  },
  {
    json: 'screen_width',
    bodies: ['browser'],
    type: 'whole',
    min: 0,
    max: 100_000,
    to: 'payload.screenWidth',
    ring: 'flag 2: u32 screen width',
    doc: 'The screen width in CSS pixels (its class is stored)',
  },
  {
    json: 'dnt',
    bodies: ['server'],
    type: 'boolean',
    ring: 'not carried: true drops the item on the HTTP thread',
    doc:
      'true: the visitor asked not to be tracked → 202 with X-Hitring-Drop: ' +
      "dnt, counted in the site's dropped figures, nothing stored",
  },
  {
    json: 'id',
    bodies: ['server'],
    type: 'string',
    min: 1,
    max: Limits.idempotencyKeyBytes,
    to: 'idempotencyKey',
    ring: 'flag 4: str idempotency key',
    doc:
      `Idempotency key of 1 to ${Limits.idempotencyKeyBytes} bytes: an item whose id was accepted (stored or ` +
      `dropped) for the site in the last 24 hours is a duplicate, not counted again`,
  },
  {
    json: 'name',
    bodies: ['browser', 'server'],
    type: 'name',
    required: 'events',
    eventsOnly: true,
    min: 1,
    max: Limits.nameChars,
    to: 'payload.name',
    ring: 'str name (empty for pageviews)',
    doc: `The event name, 1 to ${Limits.nameChars} characters once trimmed`,
  },
  {
    json: 'props',
    bodies: ['browser', 'server'],
    type: 'props',
    eventsOnly: true,
    to: 'payload.props',
    ring: 'u8 count, then key · type · value',
    doc:
      `Event properties: at most ${Limits.propsKeys} keys of ≤ ${Limits.propKeyBytes} bytes; ` +
      `values strings of ≤ ${Limits.propValueBytes} bytes, numbers or booleans`,
  },
  {
    json: 'properties',
    bodies: ['server'],
    type: 'props',
    eventsOnly: true,
    to: 'payload.props',
    ring: 'as props',
    doc: "HitKeep's name for props (used when props is absent)",
  },
  {
    json: 'webdriver',
    bodies: ['browser'],
    type: 'boolean',
    to: 'payload.webdriver',
    ring: 'not carried: read by the drop filters',
    doc: 'true from hk.js in an automated browser it may count',
  },
] as const satisfies readonly PayloadField[]

/** How a stored field is written in an event block (src/store/event-block.ts). */
export type StoredCodec = 'zigzag' | 'kind' | 'varint' | 'str' | 'props' | 'visitor'

export interface StoredField {
  /** The property of {@link StoredEvent}. */
  readonly key: string
  readonly codec: StoredCodec
  /**
   * The first block format holding it. Format 2 (msgpack tuples) holds the first 21 fields, by position;
   * format 3 the same, binary; each later one the fields of its `since` (src/store/event-block.ts).
   */
  readonly since: number
  /** What it is derived from: a payload field's JSON key, or what the drain works out. */
  readonly from: string
  /**
   * For an id after the visitor ({@link ID_FIELDS}): the drain's item property holding the string it
   * interns (src/drain/decode.ts `EventItem`, which the enrichment fills; a dotted path for a nested one).
   */
  readonly enriched?: string
  /**
   * For an interned id: its namespace, a `StringKind` name, and that namespace's number (stored in keys:
   * never renumber). src/store/strings.ts makes `StringKind`'s entry from these two.
   */
  readonly interned?: string
  readonly kind?: number
  /**
   * For a visit attribute: the `Metric` counting visits by it at the visit's start, and the metric's number
   * (stored in keys: never renumber). src/store/metrics.ts makes `Metric`'s and `DIM_KIND`'s entries.
   */
  readonly session?: string
  readonly metric?: number
  /**
   * The stats answer's list of it (`top.<list>`, GET /api/sites/{id}/stats), if shown: its place among
   * the visit attributes' lists (after the entry and exit pages) and its OpenAPI description.
   */
  readonly list?: string
  readonly listAt?: number
  readonly listDoc?: string
}

/** The fields of a stored event, in the event-block codec's order. Append only: positions are stored. */
export const STORED_FIELDS = [
  { key: 'dt', codec: 'zigzag', since: 2, from: 'receivedAt: ms after the block t0' },
  { key: 'kind', codec: 'kind', since: 2, from: 'the route: 0 pageview, 1 custom event' },
  { key: 'nameId', codec: 'varint', since: 2, from: 'name (0 for pageviews)', interned: 'EVENT_NAME', kind: 1 },
  { key: 'pathId', codec: 'varint', since: 2, from: 'url: its path', interned: 'PATH', kind: 2 },
  { key: 'query', codec: 'str', since: 2, from: 'url: its query string, to re-derive attribution' },
  { key: 'referrer', codec: 'str', since: 2, from: 'referrer' },
  { key: 'props', codec: 'props', since: 2, from: 'props' },
  { key: 'sessionNo', codec: 'varint', since: 2, from: 'the session the drain keeps (session_id or the visitor hash)' },
  {
    key: 'visitor',
    codec: 'visitor',
    since: 2,
    from: 'the first 8 bytes of the daily-salted visitor hash (IP, User-Agent)',
  },
  {
    key: 'hostId',
    enriched: 'hostname',
    codec: 'varint',
    since: 2,
    from: 'url: its hostname',
    interned: 'HOSTNAME',
    kind: 3,
  },
  {
    key: 'browserId',
    enriched: 'browser',
    codec: 'varint',
    since: 2,
    from: 'the User-Agent',
    interned: 'BROWSER',
    kind: 7,
    session: 'BROWSERS',
    metric: 15,
    list: 'browsers',
    listAt: 5,
    listDoc: 'Browsers by visits',
  },
  {
    key: 'osId',
    enriched: 'os',
    codec: 'varint',
    since: 2,
    from: 'the User-Agent',
    interned: 'OS',
    kind: 8,
    session: 'OS',
    metric: 16,
    list: 'os',
    listAt: 6,
    listDoc: 'Operating systems by visits',
  },
  {
    key: 'deviceId',
    enriched: 'device',
    codec: 'varint',
    since: 2,
    from: 'the User-Agent',
    interned: 'DEVICE',
    kind: 9,
    session: 'DEVICES',
    metric: 17,
    list: 'devices',
    listAt: 7,
    listDoc: 'Devices by visits',
  },
  {
    key: 'screenId',
    enriched: 'screen',
    codec: 'varint',
    since: 2,
    from: 'screen_width: its class',
    interned: 'SCREEN',
    kind: 10,
    session: 'SCREENS',
    metric: 18,
  },
  {
    key: 'sourceId',
    enriched: 'source',
    codec: 'varint',
    since: 2,
    from: 'url (ref, utm_source) and referrer',
    interned: 'SOURCE',
    kind: 4,
    session: 'SOURCES',
    metric: 8,
    list: 'sources',
    listAt: 1,
    listDoc: 'Sources by visits',
  },
  {
    key: 'referrerHostId',
    enriched: 'referrerHost',
    codec: 'varint',
    since: 2,
    from: 'referrer: its host',
    interned: 'REFERRER_HOST',
    kind: 5,
    session: 'REFERRERS',
    metric: 9,
  },
  {
    key: 'utmSourceId',
    enriched: 'utm.source',
    codec: 'varint',
    since: 2,
    from: 'url: utm_source',
    interned: 'UTM',
    kind: 6,
    session: 'UTM_SOURCE',
    metric: 10,
    list: 'utm_source',
    listAt: 2,
    listDoc: 'utm_source by visits',
  },
  {
    key: 'utmMediumId',
    enriched: 'utm.medium',
    codec: 'varint',
    since: 2,
    from: 'url: utm_medium',
    interned: 'UTM',
    kind: 6,
    session: 'UTM_MEDIUM',
    metric: 11,
    list: 'utm_medium',
    listAt: 3,
    listDoc: 'utm_medium by visits',
  },
  {
    key: 'utmCampaignId',
    enriched: 'utm.campaign',
    codec: 'varint',
    since: 2,
    from: 'url: utm_campaign',
    interned: 'UTM',
    kind: 6,
    session: 'UTM_CAMPAIGN',
    metric: 12,
    list: 'utm_campaign',
    listAt: 4,
    listDoc: 'utm_campaign by visits',
  },
  {
    key: 'utmTermId',
    enriched: 'utm.term',
    codec: 'varint',
    since: 2,
    from: 'url: utm_term',
    interned: 'UTM',
    kind: 6,
    session: 'UTM_TERM',
    metric: 13,
  },
  {
    key: 'utmContentId',
    enriched: 'utm.content',
    codec: 'varint',
    since: 2,
    from: 'url: utm_content',
    interned: 'UTM',
    kind: 6,
    session: 'UTM_CONTENT',
    metric: 14,
  },
  {
    key: 'languageId',
    enriched: 'language',
    codec: 'varint',
    since: 4,
    from: 'language: its primary subtag, lower-cased (pt-BR → pt)',
    interned: 'LANGUAGE',
    kind: 13,
    session: 'LANGUAGES',
    metric: 22,
    list: 'languages',
    listAt: 8,
    listDoc: "Languages by visits: the primary subtag of the visitor's language tag, lower-cased (pt-BR → pt)",
  },
] as const satisfies readonly StoredField[]

type Stored = (typeof STORED_FIELDS)[number]
/** The stored fields that are visit attributes (counted once per visit, at its start). */
export type SessionField = Extract<Stored, { session: string }>
export const SESSION_FIELDS = STORED_FIELDS.filter((f): f is SessionField => 'session' in f)
/** The visit attributes the stats answer lists, as `top.<list>`, in the answer's order (`listAt`). */
export type ListedField = Extract<Stored, { list: string }>
export const LISTED_FIELDS = STORED_FIELDS.filter((f): f is ListedField => 'list' in f).sort(
  (a, b) => a.listAt - b.listAt,
)

/** The interned namespaces of the table, by name: `{ PATH: 2, …, LANGUAGE: 13 }` (src/store/strings.ts). */
export type TableKinds = { [F in Extract<Stored, { interned: string }> as F['interned']]: F['kind'] }
/** The visit attributes' metrics, by name: `{ SOURCES: 8, …, LANGUAGES: 22 }` (src/store/metrics.ts). */
export type TableMetrics = { [F in SessionField as F['session']]: F['metric'] }

/**
 * A `{ name: number }` object of the table's `pick`ed pairs, checked: one number per name (the UTM fields
 * share theirs) and one name per number. Run once, at load.
 */
export function namedNumbers(pick: (f: StoredField) => [string, number] | undefined): Record<string, number> {
  const out: Record<string, number> = {}
  const names = new Map<number, string>()
  for (const f of STORED_FIELDS as readonly StoredField[]) {
    const pair = pick(f)
    if (!pair) continue
    const [name, n] = pair
    if ((out[name] ?? n) !== n || (names.get(n) ?? name) !== name)
      throw new Error(`event table: ${name} = ${n} clashes with ${names.get(n) ?? name} = ${out[name] ?? n}`)
    out[name] = n
    names.set(n, name)
  }
  return out
}

/** The stored fields up to the visitor: written by hand in the event-block codec and the drain. */
export const HEAD_KEYS = [
  'dt',
  'kind',
  'nameId',
  'pathId',
  'query',
  'referrer',
  'props',
  'sessionNo',
  'visitor',
] as const

/**
 * The stored fields after {@link HEAD_KEYS}: interned varint ids, each filled from its `enriched` string.
 * The event-block codec (src/store/event-block.ts) and the drain's interning (src/drain/write-batch.ts)
 * handle them by code generated from this list (./compile.ts): a new one needs no edit there. Checked
 * at load.
 */
export const ID_FIELDS: readonly StoredField[] = idFields()

function idFields(): StoredField[] {
  const fields = STORED_FIELDS as readonly StoredField[]
  const head = fields.slice(0, HEAD_KEYS.length).map((f) => f.key)
  if (head.join() !== HEAD_KEYS.join()) throw new Error(`event table: head fields ${head}, expected ${HEAD_KEYS}`)
  const ids = fields.slice(HEAD_KEYS.length)
  for (const f of ids)
    if (f.codec !== 'varint' || !f.kind || !f.enriched || !/^[a-z][A-Za-z]*(\.[a-z][A-Za-z]*)?$/.test(f.enriched))
      throw new Error(`event table: ${f.key} after the visitor is not an interned varint with an enriched string`)
  return ids
}
