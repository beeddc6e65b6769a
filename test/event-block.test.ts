import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeEventBlock, encodeEventBlock, EventBlockError, EVENT_BLOCK_FORMAT } from '../src/store/event-block.js'
import { allBlocks, blockKey, countEvents, type Props, type StoredEvent } from '../src/store/events.js'
import { openStore } from '../src/store/open.js'
import { createSite } from '../src/store/sites.js'
import { recount } from '../src/derive/recount.js'
import { EventKind } from '../src/ingest/payload.js'
import { STORED_FIELDS, toTuple, type StoredField } from '../src/event/index.js'
import { drainEvents } from './helpers/drain.js'

// A deterministic PRNG, so a failure names a reproducible case.
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

const PIECES = [
  '',
  'a',
  '/pricing',
  'utm_source=news',
  'é',
  'ü',
  '日本',
  '😀',
  'x'.repeat(30),
  'https://example.com/',
  '\u0000',
  '"',
  '\\',
]

function randomText(r: () => number, long = false): string {
  if (long && r() < 0.1) return 'p'.repeat(1 + Math.floor(r() * 2000))
  let s = ''
  const n = Math.floor(r() * 5)
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)]
  return s
}

function randomEvent(r: () => number): StoredEvent {
  const id = () => (r() < 0.3 ? 0 : r() < 0.9 ? Math.floor(r() * 300) : Math.floor(r() * 2 ** 40))
  let props: Props | null = null
  if (r() < 0.6) {
    props = {}
    const n = Math.floor(r() * 31)
    for (let i = 0; i < n; i++) {
      const kind = Math.floor(r() * 5)
      props[`${randomText(r)}#${i}`] =
        kind === 0
          ? randomText(r, true)
          : kind === 1
            ? (r() - 0.5) * 10 ** Math.floor(r() * 20)
            : kind === 2
              ? Math.floor(r() * 1000) - 500
              : kind === 3
    }
  }
  const dt = r() < 0.1 ? -Math.floor(r() * 60_000) : Math.floor(r() * (r() < 0.1 ? 2 ** 40 : 1000))
  const visitor = Buffer.from(Array.from({ length: 8 }, () => Math.floor(r() * 256)))
  // Every field of the table: ids random, the others as their codec holds them.
  const e: Record<string, unknown> = {}
  for (const f of STORED_FIELDS as readonly StoredField[]) e[f.key] = f.codec === 'varint' ? id() : null
  Object.assign(e, {
    dt,
    kind: r() < 0.5 ? 0 : 1,
    query: randomText(r, true),
    referrer: randomText(r, true),
    props,
    sessionNo: Math.floor(r() * 2 ** 45),
    visitor,
  })
  return e as StoredEvent
}

/** Compares as stored values: visitor bytes, props as plain objects, -0 kept apart from 0. */
function plain(e: StoredEvent): Record<string, unknown> {
  return { ...e, visitor: [...e.visitor] }
}

describe('event block format 4', () => {
  it('decodes exactly what it encoded: unicode, 2,000-byte strings, every prop type, negative and 2^40 deltas', () => {
    const r = rng(7)
    for (let round = 0; round < 200; round++) {
      const events = Array.from({ length: Math.floor(r() * 50) }, () => randomEvent(r))
      const t0 = 1_700_000_000_000 + Math.floor(r() * 1e10)
      const block = decodeEventBlock(encodeEventBlock(t0, events))
      expect(block.t0).toBe(t0)
      expect(block.e.map(plain)).toEqual(events.map(plain))
    }
  })

  it('keeps -0 and fractional numbers in props bit for bit', () => {
    const e = randomEvent(rng(1))
    e.props = { zero: -0, third: 1 / 3, big: Number.MAX_SAFE_INTEGER, tiny: 5e-324 }
    const [back] = decodeEventBlock(encodeEventBlock(0, [e])).e
    expect(Object.is(back!.props!.zero, -0)).toBe(true)
    expect(back!.props).toEqual(e.props)
  })

  it('numbers repeated strings: a repeat costs a reference, around the 512-byte limit too', () => {
    const r = rng(5)
    const base = randomEvent(r)
    const edge = [
      'a'.repeat(511),
      'a'.repeat(512),
      'a'.repeat(513),
      'é'.repeat(256),
      'é'.repeat(257),
      '😀'.repeat(128),
      '😀'.repeat(129),
    ]
    const events = Array.from({ length: 60 }, (_, i) => {
      const e = { ...base }
      e.query = edge[i % edge.length]!
      e.referrer = edge[(i + 3) % edge.length]!
      e.props = { plan: 'pro', [edge[i % edge.length]!]: edge[(i + 1) % edge.length]!, seats: i }
      return e
    })
    const bytes = encodeEventBlock(1_700_000_000_000, events)
    expect(decodeEventBlock(bytes).e.map(plain)).toEqual(events.map(plain))
    // Each of the seven strings is written in full at most ~once per use beyond 512 bytes.
    const once = events.slice(0, 1).map((e) => encodeEventBlock(0, [e]).length)[0]!
    expect(bytes.length).toBeLessThan(once * 60)
    const small = Array.from({ length: 100 }, () => {
      const e = { ...base }
      e.props = { plan: 'pro', amount: '49' }
      return e
    })
    const perEvent = (encodeEventBlock(0, small).length - encodeEventBlock(0, small.slice(0, 1)).length) / 99
    expect(perEvent).toBeLessThan(encodeEventBlock(0, small.slice(0, 1)).length - 12)
  })

  it('refuses a reference to a string not yet numbered', () => {
    const e = randomEvent(rng(9))
    e.query = ''
    e.referrer = ''
    e.props = null
    const bytes = Buffer.from(encodeEventBlock(0, [e]))
    // format · t0 0 · count 1 · dt · kind · nameId · pathId · query: patch its header (0 = empty) to "string 5".
    let at = 3
    for (let i = 0; i < 4; i++) while (bytes[at++]! >= 0x80);
    expect(bytes[at]).toBe(0)
    bytes[at] = 11
    expect(() => decodeEventBlock(bytes)).toThrow(/string 5 of 0/)
  })

  it('refuses every truncation, trailing bytes and another format with EventBlockError', () => {
    const r = rng(3)
    const bytes = encodeEventBlock(
      1_700_000_000_000,
      Array.from({ length: 5 }, () => randomEvent(r)),
    )
    for (let n = 0; n < bytes.length; n++)
      expect(() => decodeEventBlock(bytes.subarray(0, n)), `first ${n} bytes`).toThrow(EventBlockError)
    expect(() => decodeEventBlock(Buffer.concat([bytes, Buffer.of(0)]))).toThrow(EventBlockError)
    expect(() => decodeEventBlock(Buffer.concat([Buffer.of(2), bytes.subarray(1)]))).toThrow(EventBlockError)
  })

  it('is smaller than the msgpack form it replaces', async () => {
    const { pack } = await import('msgpackr')
    const r = rng(11)
    const events = Array.from({ length: 500 }, () => randomEvent(r))
    expect(encodeEventBlock(1_700_000_000_000, events).length).toBeLessThan(
      pack({ v: 2, t0: 1_700_000_000_000, e: events.map((e) => toTuple(e)) }).length,
    )
  })
})

/**
 * A reader of the format written out from the table alone (src/event/fields.ts, each field by its codec,
 * in the table's order): slow and generic, so the hand-written codec can be checked field by field.
 */
function readByTable(bytes: Uint8Array): { format: number; t0: number; e: Array<Record<string, unknown>> } {
  const b = Buffer.from(bytes)
  let at = 0
  const uint = () => {
    let v = 0
    for (let scale = 1; ; scale *= 0x80) {
      const byte = b[at++]!
      v += (byte & 0x7f) * scale
      if (byte < 0x80) return v
    }
  }
  const strings: string[] = []
  const text = () => {
    const h = uint()
    if (h % 2 === 1) return strings[(h - 1) / 2]!
    const s = b.toString('utf8', at, at + h / 2)
    at += h / 2
    if (h > 0 && h / 2 <= 512) strings.push(s)
    return s
  }
  const read: Record<StoredField['codec'], () => unknown> = {
    zigzag: () => {
      const z = uint()
      return z % 2 === 0 ? z / 2 : -(z + 1) / 2
    },
    kind: () => b[at++],
    varint: uint,
    str: text,
    props: () => {
      const n = uint()
      if (n === 0) return null
      const props: Record<string, unknown> = {}
      for (let i = 1; i < n; i++) {
        const key = text()
        const type = b[at++]
        if (type === 0) props[key] = text()
        else if (type === 1) {
          props[key] = b.readDoubleLE(at)
          at += 8
        } else props[key] = type === 2
      }
      return props
    },
    visitor: () => [...b.subarray(at, (at += 8))],
  }
  const format = b[at++]!
  const t0 = uint()
  const count = uint()
  const e = Array.from({ length: count }, () =>
    Object.fromEntries((STORED_FIELDS as readonly StoredField[]).map((f) => [f.key, read[f.codec]()])),
  )
  expect(at).toBe(b.length)
  return { format, t0, e }
}

describe('the event-block codec against the event table', () => {
  it('reads format-3 blocks (written before languageId) with every field as written and no language', () => {
    // Two events encoded by the format-3 encoder (commit 3529b6d): a pageview, then an event with props.
    const format3 = Buffer.from(
      '0380c6c0f7ab3302000000071e75746d5f736f757263653d6e6577732868747470733a2f2f7265662e6578616d706c652f00' +
        '2a01020304050607080102030405060708090a0b0cd00f01050801030408706c616e000670726f0a73656174730100000000' +
        '000008400a747269616c022a01020304050607080102030405060708090a0b0c',
      'hex',
    )
    const block = decodeEventBlock(format3)
    expect(block.t0).toBe(1_764_140_000_000)
    const ids = {
      hostId: 1,
      browserId: 2,
      osId: 3,
      deviceId: 4,
      screenId: 5,
      sourceId: 6,
      referrerHostId: 7,
      utmSourceId: 8,
      utmMediumId: 9,
      utmCampaignId: 10,
      utmTermId: 11,
      utmContentId: 12,
    }
    const common = {
      query: 'utm_source=news',
      referrer: 'https://ref.example/',
      sessionNo: 42,
      visitor: [1, 2, 3, 4, 5, 6, 7, 8],
      ...ids,
      languageId: 0,
    }
    expect(block.e.map(plain)).toEqual([
      { dt: 0, kind: 0, nameId: 0, pathId: 7, props: null, ...common },
      { dt: 1000, kind: 1, nameId: 5, pathId: 8, props: { plan: 'pro', seats: 3, trial: true }, ...common },
    ])
    for (const e of block.e) expect(Object.keys(e)).toEqual(STORED_FIELDS.map((f) => f.key))
  })

  it('writes each field of the table in order, with its codec; reads back objects with its keys, in order', () => {
    const r = rng(13)
    const events = Array.from({ length: 300 }, () => randomEvent(r))
    const bytes = encodeEventBlock(1_700_000_000_000, events)
    const byTable = readByTable(bytes)
    expect(byTable.format).toBe(EVENT_BLOCK_FORMAT)
    expect(byTable.e).toEqual(events.map(plain))
    const decoded = decodeEventBlock(bytes).e
    for (const e of decoded) expect(Object.keys(e)).toEqual(STORED_FIELDS.map((f) => f.key))
    expect(decoded.map(plain)).toEqual(events.map(plain))
  })

  it('a field the table holds gets its own distinct place: changing one changes only it', () => {
    const base = randomEvent(rng(17))
    for (const f of STORED_FIELDS as readonly StoredField[]) {
      if (f.codec !== 'varint') continue
      const changed = { ...base, [f.key]: 987_654 }
      const back = readByTable(encodeEventBlock(0, [changed])).e[0]!
      expect(back, f.key).toEqual({ ...plain(base), [f.key]: 987_654 })
    }
  })
})

describe('event blocks in the store', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hitring-blocks-'))
  afterAll(() => rmSync(tmp, { recursive: true, force: true }))

  it('the drain writes the binary format; format-2 blocks already on disk are still read and recounted', async () => {
    const dataPath = join(tmp, 'data')
    const setup = openStore({ path: dataPath })
    const site = createSite(setup, 'example.com')
    await setup.close()

    const ts = Date.UTC(2026, 10, 26, 12)
    const ua = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'
    const events = Array.from({ length: 40 }, (_, i) => ({
      ts: ts + i * 1000,
      siteNum: site.num,
      kind: i % 2 ? EventKind.Custom : EventKind.Pageview,
      body: {
        name: 'signup',
        url: `https://example.com/p/${i % 3}?q=${i}`,
        referrer: 'https://news.example.org/',
        props: i % 2 ? { plan: 'pro', seats: i } : undefined,
      },
      ip: Uint8Array.of(10, 0, 0, i % 7),
      userAgent: ua,
    }))
    await drainEvents(dataPath, events, 2)

    const store = openStore({ path: dataPath })
    try {
      const raw = [...store.events.getRange({})].map(({ value }) => value)
      expect(raw.length).toBeGreaterThan(0)
      for (const value of raw) expect(value).toBeInstanceOf(Uint8Array)
      const drained = [...allBlocks(store)].flatMap(({ block }) =>
        block.e.map((e) => ({ t: block.t0 + e.dt, path: e.pathId, props: e.props })),
      )
      expect(drained.map((e) => e.t).sort()).toEqual(events.map((e) => e.ts).sort())
      expect(drained.filter((e) => e.props !== null)).toHaveLength(20)

      // A block written by the format-2 drain: a msgpack object, the drained events' first one again.
      const [{ block: first }] = [...allBlocks(store)]
      const legacy = { v: 2, t0: ts + 3_600_000, e: [[0, ...toTuple(first!.e[0]!).slice(1)]] }
      await store.events.put(blockKey(site.num, legacy.t0, 999_999), legacy)
      expect(countEvents(store)).toBe(41)
      const legacyRead = [...allBlocks(store)].find(({ seq }) => seq === 999_999)!
      expect(plain(legacyRead.block.e[0]!)).toEqual({ ...plain(first!.e[0]!), dt: 0 })
      // The rollups do not hold the legacy copy (it was put by hand): the recount sees it, so it must differ.
      expect(recount(store).mismatches.length).toBeGreaterThan(0)
      await store.events.remove(blockKey(site.num, legacy.t0, 999_999))
      expect(recount(store).mismatches).toEqual([])
    } finally {
      await store.close()
    }
  })
})
