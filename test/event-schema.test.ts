/**
 * The event's field table (src/event/fields.ts) against what is written by hand from it: the ring record
 * carries every payload field the table says it carries; every stored field names an interning namespace
 * and rollup that exist and agree; every listed visit attribute is in the stats answer's `top`.
 */
import { describe, expect, test } from 'vitest'
import { createRing, RingReader, RingWriter } from '../src/ring/index.js'
import { decodeIngestRecord, RECORD_TYPE_INGEST_V2, type IngestRecordFacts } from '../src/event/record.js'
import {
  PAYLOAD_FIELDS,
  STORED_FIELDS,
  SESSION_FIELDS,
  LISTED_FIELDS,
  ID_FIELDS,
  type PayloadField,
  type StoredField,
} from '../src/event/index.js'
import { enqueueEvent } from '../src/ingest/enqueue.js'
import { EventKind, validPayload } from '../src/ingest/payload.js'
import { StringKind } from '../src/store/strings.js'
import { DIM_KIND, Metric } from '../src/store/metrics.js'
import { statsResponseSchema } from '../src/query/schemas.js'
import { RollupDeltas } from '../src/store/rollups.js'
import { UniqueDeltas } from '../src/store/uniques.js'
import { countStoredEvent } from '../src/derive/count.js'
import { advanceSession } from '../src/sessions/session.js'
import { storedEventOf } from '../src/drain/write-batch.js'
import type { EventItem } from '../src/drain/decode.js'
import { fromTuple } from '../src/event/index.js'

const payloadFields = PAYLOAD_FIELDS as readonly PayloadField[]
const storedFields = STORED_FIELDS as readonly StoredField[]

function throughRing(facts: IngestRecordFacts): IngestRecordFacts {
  const sab = createRing(1 << 20)
  const writer = new RingWriter(sab)
  const reader = new RingReader(sab)
  expect(enqueueEvent(writer, facts)).toBeGreaterThan(0)
  let out: IngestRecordFacts | undefined
  reader.forEach(reader.tail(), writer.head(), (type, offset, length) => {
    expect(type).toBe(RECORD_TYPE_INGEST_V2)
    out = decodeIngestRecord(reader.bytes, reader.view, offset, length)
  })
  return out!
}

const get = (o: object, path: string): unknown => path.split('.').reduce((v: any, k) => v?.[k], o)

describe('the ring record against the event table', () => {
  // One distinctive value per field the table says the record carries.
  const body = {
    url: 'https://example.com/a/b?c=d',
    referrer: 'https://ref.example/',
    session_id: '0b3f2f5e-8a1c-4c63-9d2a-4c1b8f3e7a10',
    screen_width: 1234,
    language: 'pt-BR',
    name: 'signup',
    props: { plan: 'pro', seats: 3, trial: true },
  }
  const facts: IngestRecordFacts = {
    receivedAt: 1_764_140_000_123,
    siteNum: 77,
    kind: EventKind.Custom,
    ip: Uint8Array.of(198, 51, 100, 7),
    userAgent: 'Mozilla/5.0 test',
    payload: validPayload(EventKind.Custom, body),
    idempotencyKey: 'order-1',
  }
  const carried = payloadFields.filter((f) => !f.ring.startsWith('not carried') && f.json !== 'properties')

  test('every field the table says is carried has a value in this test, and comes back from a real ring', () => {
    const back = throughRing(facts)
    for (const f of carried) {
      expect(f.to, f.json).toBeDefined()
      const sent = get(facts, f.to!)
      expect(sent, `${f.json}: no value sent`).not.toBeUndefined()
      expect(get(back, f.to!), f.json).toEqual(sent)
    }
  })

  test('a field the table says is not carried does not come back', () => {
    const sent = {
      ...facts,
      payload: { ...facts.payload, siteId: '6f1c1b8e-4f0a-4b7e-9a57-1c9a5e0b7d11', webdriver: true },
    }
    const back = throughRing(sent)
    const notCarried = payloadFields.filter((f) => f.ring.startsWith('not carried') && f.to !== undefined)
    expect(notCarried.map((f) => f.json)).toEqual(['site_id', 'webdriver'])
    for (const f of notCarried) expect(get(back, f.to!), f.json).not.toEqual(get(sent, f.to!))
  })
})

describe('the stored fields against the store', () => {
  test('each interned field names a StringKind; each visit attribute a Metric whose dims are that kind', () => {
    for (const f of storedFields) {
      if (f.interned) expect(StringKind[f.interned as keyof typeof StringKind], f.key).toBeTypeOf('number')
      if (f.session) {
        const metric = Metric[f.session as keyof typeof Metric]
        expect(metric, f.key).toBeTypeOf('number')
        expect(DIM_KIND[metric], f.key).toBe(StringKind[f.interned as keyof typeof StringKind])
      }
    }
    expect(SESSION_FIELDS.map((f) => f.key)).toEqual(storedFields.filter((f) => f.session).map((f) => f.key))
  })

  test("drain and recount count each visit attribute of the table in its metric, no other of the event's ids", () => {
    const site = { num: 3, timezone: 'UTC' }
    const ts = Date.UTC(2026, 10, 26, 12)
    const { state, effects } = advanceSession(undefined, { ts, kind: 0, pathId: 0 }, () => 1)
    expect(effects.started).toBe(true)
    // A pageview with no path and no host: only the visit and its attributes are counted by dimension.
    const counted = (e: ReturnType<typeof fromTuple>) => {
      const d = new RollupDeltas()
      countStoredEvent(d, new UniqueDeltas(), site, ts, e, state, effects, () => 0)
      return new Set([...d.entries()].filter(({ key }) => key[4] !== 0).map(({ key }) => `${key[1]}:${key[4]}`))
    }
    const blank = fromTuple([0, 0, 0, 0, '', '', null, 1, new Uint8Array(8)])
    expect(counted(blank)).toEqual(new Set())
    const idFields = storedFields.filter(
      (f) => f.codec === 'varint' && f.interned && !['nameId', 'pathId', 'hostId'].includes(f.key),
    )
    for (const f of idFields) {
      const metrics = counted({ ...blank, [f.key]: 777 })
      expect([...metrics], f.key).toEqual(f.session ? [`${Metric[f.session as keyof typeof Metric]}:777`] : [])
    }
    expect(idFields.filter((f) => f.session).length).toBe(SESSION_FIELDS.length)
  })

  test("each listed visit attribute is a list of the stats answer's top", () => {
    const top = Object.keys(statsResponseSchema.shape.top.shape)
    for (const f of LISTED_FIELDS) expect(top, f.key).toContain(f.list)
  })

  test('keys are unique; format-2 fields come first (their position in the msgpack tuples is their index)', () => {
    expect(new Set(storedFields.map((f) => f.key)).size).toBe(storedFields.length)
    expect(new Set(payloadFields.map((f) => f.json)).size).toBe(payloadFields.length)
    const firstLater = storedFields.findIndex((f) => f.since !== 2)
    expect(storedFields.slice(0, firstLater < 0 ? undefined : firstLater).length).toBe(21)
  })

  test("the drain's stored event interns each id after the visitor from its enriched string, in its namespace", () => {
    // An item whose strings are all distinct: each id field must come from its own, in its own kind.
    const item: Record<string, unknown> = { utm: {} }
    for (const f of ID_FIELDS) {
      const [a, b] = f.enriched!.split('.')
      if (b) (item[a!] as Record<string, string>)[b] = `${f.key}-text`
      else item[a!] = `${f.key}-text`
    }
    const asked: string[] = []
    const id = (kind: number, text: string) => asked.push(`${kind}:${text}`)
    const e = storedEventOf(0, 0, 0, 0, '', '', null, 0, Buffer.alloc(8), item as unknown as EventItem, id)
    expect(Object.keys(e)).toEqual(storedFields.map((f) => f.key))
    for (const f of ID_FIELDS)
      expect(asked[((e as Record<string, unknown>)[f.key] as number) - 1], f.key).toBe(`${f.kind}:${f.key}-text`)
    expect(ID_FIELDS.every((f) => StringKind[f.interned as keyof typeof StringKind] === f.kind)).toBe(true)
  })
})
