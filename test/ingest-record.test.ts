/**
 * The ring record of an accepted event (src/event/record.ts): what the HTTP thread validated is what
 * the drain worker reads, field for field, through a real ring.
 */
import { describe, expect, test } from 'vitest'
import { createRing, RingReader, RingWriter } from '../src/ring/index.js'
import {
  decodeIngestRecord,
  encodeIngestRecord,
  RECORD_TYPE_INGEST_V2,
  type IngestRecordFacts,
} from '../src/event/record.js'
import { enqueueEvent } from '../src/ingest/enqueue.js'
import { EventKind, validPayload } from '../src/ingest/payload.js'
import { Limits } from '../src/event/limits.js'

function roundTrip(facts: IngestRecordFacts) {
  const sab = createRing(1 << 20)
  const writer = new RingWriter(sab)
  const reader = new RingReader(sab)
  expect(enqueueEvent(writer, facts)).toBeGreaterThan(0)
  const out: Array<ReturnType<typeof decodeIngestRecord>> = []
  reader.forEach(reader.tail(), writer.head(), (type, offset, length) => {
    expect(type).toBe(RECORD_TYPE_INGEST_V2)
    out.push(decodeIngestRecord(reader.bytes, reader.view, offset, length))
  })
  expect(out).toHaveLength(1)
  return out[0]!
}

describe('ingest record', () => {
  test('a custom event with every field comes back exactly (props of each type, UTF-8, key, session, screen)', () => {
    const payload = validPayload(EventKind.Custom, {
      name: 'Kauf ✓ 🛒',
      url: 'https://shop.example/checkout?utm_source=mail#done',
      referrer: 'https://news.example/ü',
      props: { plan: 'pro', amount: 49.5, count: -3, first: true, trial: false, empty: '', emoji: '🙂' },
      session_id: '0b3f2f5e-8a1c-4c63-9d2a-4c1b8f3e7a10',
      screen_width: 1440,
    })
    const facts = {
      receivedAt: 1_764_140_000_123.5,
      siteNum: 4_000_000_001,
      kind: EventKind.Custom,
      ip: Uint8Array.of(198, 51, 100, 7),
      userAgent: 'Mozilla/5.0 (X11) Gecko/20100101 Firefox/140.0 ✓',
      payload,
      idempotencyKey: 'order-2026-11-26-ü',
    }
    const r = roundTrip(facts)
    expect(r).toEqual({
      receivedAt: facts.receivedAt,
      siteNum: facts.siteNum,
      kind: EventKind.Custom,
      ip: facts.ip,
      userAgent: facts.userAgent,
      payload,
      idempotencyKey: facts.idempotencyKey,
    })
    expect(Object.keys(r.payload.props!)).toEqual(Object.keys(payload.props!)) // order kept
  })

  test('a bare pageview: no props, no optional fields; IPv6 address', () => {
    const payload = validPayload(EventKind.Pageview, { url: 'https://example.com/' })
    const ip = Uint8Array.from({ length: 16 }, (_, i) => i * 7)
    const r = roundTrip({ receivedAt: 1, siteNum: 1, kind: EventKind.Pageview, ip, userAgent: '', payload })
    expect(r.payload).toEqual({ ...payload, siteId: undefined })
    expect(r.payload.name).toBe('pageview')
    expect(r.ip).toEqual(ip)
    expect(r.idempotencyKey).toBeUndefined()
  })

  test('fields at their limits fit; the User-Agent is cut at its byte limit on a character boundary', () => {
    const props = Object.fromEntries(
      Array.from({ length: Limits.propsKeys }, (_, i) => [
        `${i}`.padEnd(Limits.propKeyBytes, 'k'),
        'v'.repeat(Limits.propValueBytes),
      ]),
    )
    const payload = validPayload(EventKind.Custom, {
      name: 'n'.repeat(Limits.nameChars),
      url: `https://example.com/${'p'.repeat(Limits.urlBytes - 20)}`,
      referrer: 'r'.repeat(5000),
      props,
    })
    const userAgent = 'é'.repeat(Limits.userAgentBytes) // 2 bytes each: twice the limit
    const r = roundTrip({
      receivedAt: 2,
      siteNum: 2,
      kind: EventKind.Custom,
      ip: Uint8Array.of(1, 2, 3, 4),
      userAgent,
      payload,
    })
    expect(r.payload).toEqual({ ...payload, siteId: undefined })
    expect(r.payload.referrer.length).toBe(Limits.referrerBytes)
    expect(Buffer.byteLength(r.userAgent)).toBe(Limits.userAgentBytes)
    expect(r.userAgent).toBe('é'.repeat(Limits.userAgentBytes / 2))
    const ascii = roundTrip({
      receivedAt: 3,
      siteNum: 3,
      kind: EventKind.Pageview,
      ip: Uint8Array.of(1, 2, 3, 4),
      userAgent: 'a'.repeat(Limits.userAgentBytes + 7),
      payload: validPayload(EventKind.Pageview, { url: 'https://example.com/ä?q=ü' }),
    })
    expect(ascii.userAgent).toBe('a'.repeat(Limits.userAgentBytes))
    expect(ascii.payload.url).toBe('https://example.com/ä?q=ü') // non-ASCII after ASCII: written whole
  })

  test('a record whose lengths run past its end is refused, not read beyond', () => {
    const payload = validPayload(EventKind.Pageview, { url: 'https://example.com/' })
    const record = encodeIngestRecord({
      receivedAt: 1,
      siteNum: 1,
      kind: EventKind.Pageview,
      ip: Uint8Array.of(1, 2, 3, 4),
      userAgent: 'ua',
      payload,
    }).slice()
    const view = new DataView(record.buffer)
    expect(() => decodeIngestRecord(record, view, 0, record.length - 1)).toThrow(/corrupt/)
    record[record.length - 1] = 9 // the props count: nine props that are not there
    expect(() => decodeIngestRecord(record, view, 0, record.length)).toThrow(/corrupt/)
  })
})
