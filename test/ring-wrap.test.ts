// Ring arithmetic around both wraps: the u32 position counter passing 2^32 and the physical end of the
// data region (PAD + restart at offset 0). Single thread; the thread tests are in ring-threads.test.ts.
import { describe, expect, test } from 'vitest'
import { HEADER_BYTES, RECORD_HEADER_BYTES, RECORD_TYPE_PAD, maxPayload, recordBytes } from '../src/ring/layout.js'
import { RingCorruptError, RingReader, RingWriter, createRing, ringDistance } from '../src/ring/ring.js'
import { SEQ_TYPE, SeqChecker, seqFlags, seqLength, writeSeqPayload } from './fixtures/ring-records.js'

const CAP = 4096
const TWO_32 = 2 ** 32

function ring(initialPosition: number, capacity = CAP) {
  const sab = createRing(capacity, { initialPosition })
  return { sab, writer: new RingWriter(sab), reader: new RingReader(sab) }
}

type Seen = { type: number; offset: number; length: number; flags: number }
function collect(reader: RingReader, from: number, to: number): Seen[] {
  const seen: Seen[] = []
  const n = reader.forEach(from, to, (type, offset, length, flags) => seen.push({ type, offset, length, flags }))
  expect(n).toBe(seen.length)
  return seen
}

function pushSeq(writer: RingWriter, seq: number): boolean {
  const length = seqLength(seq)
  const offset = writer.reserve(SEQ_TYPE, length, seqFlags(seq))
  if (offset < 0) return false
  writeSeqPayload(writer.bytes, offset, seq, length)
  writer.publish()
  return true
}

describe('ringDistance', () => {
  test.each([
    [0, 0, 0],
    [0, 8, 8],
    [0xffff_fff8, 0, 8],
    [0xffff_ff00, 0x100, 0x200],
    [16, 8, TWO_32 - 8], // "behind" shows up as a huge distance, never as a negative one
    [0x8000_0000, 0, 0x8000_0000],
  ])('from %i to %i is %i', (from, to, expected) => {
    expect(ringDistance(from, to)).toBe(expected)
  })
})

describe('records across the 2^32 position wrap and the physical end', () => {
  // Each start position is an aligned u32; the ones near 2^32 make the counter wrap within a few KiB.
  test.each([
    { start: 0, name: 'zero' },
    { start: 0xffff_ff00, name: '2^32 - 256' },
    { start: 0xffff_fff8, name: '2^32 - 8' },
    { start: 0xffff_f808, name: '2^32 - 2040 (mid buffer)' },
    { start: 0x7fff_fff8, name: '2^31 - 8' },
  ])('push/forEach/release in segments from $name', ({ start }) => {
    const { writer, reader } = ring(start)
    const checker = new SeqChecker()
    let seq = 0
    for (let round = 0; round < 40; round++) {
      // Produce a few records, remembering the head after each one: those are valid segment ends.
      const ends: number[] = []
      for (let k = 0; k < 1 + (round % 9) && pushSeq(writer, seq); k++, seq++) ends.push(writer.head())
      // Drain in two segments, like two successive drain tasks, releasing each in order.
      const mid = ends[ends.length >> 1] ?? writer.head()
      for (const [from, to] of [
        [writer.tail(), mid],
        [mid, writer.head()],
      ]) {
        reader.forEach(from, to, (type, offset, length, flags) => {
          expect(offset - RECORD_HEADER_BYTES).toBeGreaterThanOrEqual(0)
          expect(offset + length).toBeLessThanOrEqual(CAP) // never split at the physical end
          expect((offset - RECORD_HEADER_BYTES) % 8).toBe(0)
          checker.visit(type, offset, length, flags, reader.bytes)
        })
        writer.release(to)
      }
      expect(writer.used()).toBe(0)
    }
    expect(checker.bad).toBe(-1)
    expect(checker.next).toBe(seq)
    const written = ringDistance(start, writer.head())
    expect(written).toBeGreaterThan(3 * CAP) // went around the buffer several times
    if (start > TWO_32 - written) expect(writer.head()).toBeLessThan(start) // and the counter wrapped
    expect(writer.stats().padRecords).toBeGreaterThan(0)
  })
})

describe('PAD insertion at the physical end', () => {
  // gap = bytes left before the end of the data region when the record is reserved.
  const cases = [
    { gap: 8, payload: 0, pad: false },
    { gap: 8, payload: 1, pad: true },
    { gap: 16, payload: 8, pad: false },
    { gap: 16, payload: 9, pad: true },
    { gap: 64, payload: 200, pad: true },
    { gap: CAP / 2, payload: maxPayload(CAP), pad: false },
    { gap: CAP / 2 - 8, payload: maxPayload(CAP), pad: true },
  ]
  // base 2^32: the physical end and the position wrap coincide; base 5*CAP: only the physical end.
  test.each(
    cases.flatMap((c) => [
      { ...c, base: TWO_32 },
      { ...c, base: 5 * CAP },
    ]),
  )('gap $gap, payload $payload, base $base: pad=$pad', ({ gap, payload, pad, base }) => {
    const start = (base - gap) >>> 0
    const { writer, reader } = ring(start)
    const data = Uint8Array.from({ length: payload }, (_, i) => (i * 13 + 5) & 0xff)
    const offset = writer.reserve(3, payload, 0xbeef)
    expect(offset).toBe(pad ? RECORD_HEADER_BYTES : CAP - gap + RECORD_HEADER_BYTES)
    writer.bytes.set(data, offset)
    expect(writer.head()).toBe(start) // nothing visible before publish
    writer.publish()
    expect(writer.head()).toBe((start + (pad ? gap : 0) + recordBytes(payload)) >>> 0)
    expect(writer.stats().padRecords).toBe(pad ? 1 : 0)
    if (pad) {
      expect(writer.view.getUint32(CAP - gap, true)).toBe(gap - RECORD_HEADER_BYTES)
      expect(writer.view.getUint16(CAP - gap + 4, true)).toBe(RECORD_TYPE_PAD)
    }
    const seen = collect(reader, start, writer.head())
    expect(seen).toEqual([{ type: 3, offset, length: payload, flags: 0xbeef }])
    expect(reader.bytes.subarray(offset, offset + payload)).toEqual(data)
    // The record after a record that exactly filled the end starts at 0 without a PAD.
    const next = writer.reserve(4, 0)
    expect(next).toBe(pad ? recordBytes(payload) + RECORD_HEADER_BYTES : RECORD_HEADER_BYTES)
    writer.publish()
    expect(writer.stats().padRecords).toBe(pad ? 1 : 0)
  })
})

describe('record sizes', () => {
  test('random lengths never produce a split record', () => {
    const { writer, reader } = ring(0xffff_0000 + 0x238)
    let x = 12345
    let records = 0
    for (let i = 0; i < 5000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0
      const length = x % 700
      if (writer.reserve(9, length) < 0) {
        records += collect(reader, reader.tail(), reader.head()).length
        writer.release(writer.head())
        expect(writer.reserve(9, length)).toBeGreaterThan(0)
      }
      writer.publish()
      if (i % 7 === 0) {
        for (const r of collect(reader, reader.tail(), reader.head())) {
          expect(r.offset + r.length).toBeLessThanOrEqual(CAP)
          records++
        }
        writer.release(writer.head())
      }
    }
    records += collect(reader, reader.tail(), reader.head()).length
    expect(records).toBe(5000)
    expect(writer.stats().padRecords).toBeGreaterThan(10)
  })

  test('zero-length payloads: 512 of them fill a 4 KiB ring exactly, across the 2^32 wrap', () => {
    const { writer, reader } = ring(0xffff_ff00)
    for (let i = 0; i < CAP / RECORD_HEADER_BYTES; i++) expect(writer.reserve(1 + (i % 100), 0, i)).toBeGreaterThan(0)
    expect(writer.reserve(1, 0)).toBe(-1)
    writer.publish()
    expect(writer.used()).toBe(CAP)
    expect(writer.head()).toBe(0xffff_ff00 + CAP - TWO_32)
    const seen = collect(reader, writer.tail(), writer.head())
    expect(seen).toHaveLength(512)
    seen.forEach((r, i) => {
      expect(r).toMatchObject({ type: 1 + (i % 100), length: 0, flags: i })
    })
    expect(writer.stats().padRecords).toBe(0)
  })

  // The largest payload is capacity/2 - 8: the largest record that fits an EMPTY ring at any offset.
  test.each([0, 8, CAP / 2 - 8, CAP / 2, CAP / 2 + 8, CAP - 8])(
    'maximum payload fits an empty ring at offset %i',
    (offset) => {
      const start = (0xffff_f000 + offset) >>> 0
      const { writer, reader } = ring(start)
      expect(writer.maxPayload).toBe(CAP / 2 - RECORD_HEADER_BYTES)
      expect(() => writer.reserve(1, writer.maxPayload + 1)).toThrow(RangeError)
      const data = Uint8Array.from({ length: writer.maxPayload }, (_, i) => (i * 7) & 0xff)
      expect(writer.push(2, data)).toBe(true)
      const seen = collect(reader, start, writer.head())
      expect(seen).toHaveLength(1)
      expect(reader.bytes.subarray(seen[0].offset, seen[0].offset + seen[0].length)).toEqual(data)
    },
  )
})

describe('validation', () => {
  test.each([0, 2048, 3000, 4095, 6144, 2 ** 31])('createRing(%i) throws', (bytes) => {
    expect(() => createRing(bytes)).toThrow(RangeError)
  })

  test.each([4, -8, TWO_32, 1.5, Number.NaN])('initialPosition %d throws', (initialPosition) => {
    expect(() => createRing(CAP, { initialPosition })).toThrow(RangeError)
  })

  test.each([
    [0, 0, 0],
    [RECORD_TYPE_PAD, 0, 0],
    [1.5, 0, 0],
    [1, -1, 0],
    [1, 0.5, 0],
    [1, 0, 0x10000],
  ])('reserve(type %d, length %d, flags %d) throws', (type, length, flags) => {
    expect(() => ring(0).writer.reserve(type, length, flags)).toThrow(RangeError)
  })

  test('a buffer that is not a ring is refused', () => {
    expect(() => new RingWriter(new SharedArrayBuffer(HEADER_BYTES + CAP))).toThrow(TypeError)
    expect(() => new RingReader(new SharedArrayBuffer(64))).toThrow(TypeError)
  })

  test('forEach refuses segments outside [tail, head]', () => {
    const { writer, reader } = ring(0xffff_fff8)
    writer.push(1, new Uint8Array(8)) // PAD (8 bytes at the end) + record at offset 0
    const mid = writer.head()
    writer.push(1, new Uint8Array(8))
    const head = writer.head()
    expect(() => reader.forEach(head, (head + 16) >>> 0, () => {})).toThrow(RangeError) // beyond head
    expect(() => reader.forEach(mid, (head + 16) >>> 0, () => {})).toThrow(RangeError)
    writer.release(mid)
    expect(collect(reader, mid, head)).toHaveLength(1)
    expect(() => reader.forEach(0xffff_fff8, head, () => {})).toThrow(RangeError) // already released
    expect(() => reader.forEach(head, (head + 3) >>> 0, () => {})).toThrow(RangeError) // misaligned
  })
})

describe('corrupt headers stop forEach with RingCorruptError', () => {
  const corruptions: Array<[string, (view: DataView) => void, RegExp]> = [
    ['length beyond the segment', (v) => v.setUint32(0, 1000, true), /exceeds/],
    ['length beyond 2^32 arithmetic', (v) => v.setUint32(0, 0xffff_fff0, true), /exceeds/],
    ['type 0', (v) => v.setUint16(4, 0, true), /type 0/],
    ['PAD in the middle', (v) => v.setUint16(4, RECORD_TYPE_PAD, true), /PAD/],
  ]
  test.each(corruptions)('%s', (_, corrupt, message) => {
    const { writer, reader } = ring(0)
    writer.push(1, new Uint8Array(24))
    writer.push(1, new Uint8Array(24))
    corrupt(writer.view)
    expect(() => reader.forEach(0, writer.head(), () => {})).toThrow(RingCorruptError)
    expect(() => reader.forEach(0, writer.head(), () => {})).toThrow(message)
  })

  test('a record that would cross the end', () => {
    const { writer, reader } = ring(CAP - 16)
    writer.push(1, new Uint8Array(8))
    writer.view.setUint32(CAP - 16, 100, true) // 108 bytes from CAP-16 would run past the end
    writer.push(1, new Uint8Array(200))
    expect(() => reader.forEach(CAP - 16, writer.head(), () => {})).toThrow(RingCorruptError)
    expect(() => reader.forEach(CAP - 16, writer.head(), () => {})).toThrow(/crosses the end/)
  })
})
