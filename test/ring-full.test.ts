// A full ring refuses at once (the HTTP thread answers 503), counts the refusal, and has room again
// after a release; the high-water mark and the release rules (monotonic, never beyond head) hold.
import { describe, expect, test } from 'vitest'
import { RECORD_HEADER_BYTES, RING_CLOSED, RING_CLOSING, RING_OPEN } from '../src/ring/layout.js'
import { RingReader, RingWriter, createRing } from '../src/ring/ring.js'

const CAP = 4096

function ring(initialPosition = 0) {
  const sab = createRing(CAP, { initialPosition })
  return { writer: new RingWriter(sab), reader: new RingReader(sab) }
}

describe('full ring', () => {
  // 64-byte records (56-byte payloads) tile 4 KiB exactly; the start positions move the tiling
  // across the physical end and across 2^32 without ever needing a PAD.
  test.each([0, 0xffff_ffc0, 0xffff_f800, 0x1000_0040])('fill exactly from %i, refuse, release, refill', (start) => {
    const { writer, reader } = ring(start)
    const payload = new Uint8Array(56).fill(0xab)
    const ends: number[] = []
    for (let i = 0; i < CAP / 64; i++) {
      expect(writer.push(5, payload)).toBe(true)
      ends.push(writer.head())
    }
    expect(writer.used()).toBe(CAP)
    expect(writer.reserve(5, 56)).toBe(-1)
    expect(writer.reserve(5, 0)).toBe(-1) // even an empty record needs 8 bytes
    expect(writer.push(5, payload)).toBe(false)
    expect(writer.stats()).toEqual({ capacity: CAP, used: CAP, highWater: CAP, fullRejections: 3, padRecords: 0 })
    expect(writer.head()).toBe(ends[ends.length - 1]) // refusals write nothing

    writer.release(ends[0]) // one drained record's worth of room
    expect(writer.push(5, payload)).toBe(true)
    expect(writer.reserve(5, 0)).toBe(-1)
    expect(writer.stats().fullRejections).toBe(4)
    expect(reader.forEach(ends[0], writer.head(), () => {})).toBe(CAP / 64)
  })

  test('refuses when only the PAD makes it not fit, and writes nothing', () => {
    // From position 80, 3968 bytes of records end 48 bytes before the physical end with 128 bytes free.
    // A 100-byte payload (112-byte record) fits the free space but not the 48-byte gap, and
    // PAD (48) + record (112) = 160 > 128: refused, with no PAD written.
    const { writer } = ring(80)
    expect(writer.push(1, new Uint8Array(writer.maxPayload))).toBe(true) // 2048 bytes
    expect(writer.push(1, new Uint8Array(1912))).toBe(true) // 1920 bytes
    const before = writer.stats()
    expect(before.used).toBe(CAP - 128)
    expect(writer.head() % CAP).toBe(CAP - 48)
    const head = writer.head()
    expect(writer.reserve(1, 100)).toBe(-1)
    writer.publish()
    expect(writer.head()).toBe(head)
    expect(writer.stats()).toEqual({ ...before, fullRejections: 1 })
    expect(writer.reserve(1, 40)).toBe(CAP - 48 + RECORD_HEADER_BYTES) // 48 bytes: fits the gap exactly
  })

  test('high-water mark is the most bytes ever in use, PAD bytes included', () => {
    const sab = createRing(CAP, { initialPosition: CAP - 16 })
    const writer = new RingWriter(sab)
    expect(writer.stats().highWater).toBe(0)
    writer.push(1, new Uint8Array(100)) // PAD 16 + 112
    expect(writer.stats()).toMatchObject({ used: 128, highWater: 128, padRecords: 1 })
    writer.push(1, new Uint8Array(200)) // +208
    const peak = writer.stats().used
    expect(peak).toBe(336)
    writer.release(writer.head())
    writer.push(1, new Uint8Array(8))
    expect(writer.stats()).toMatchObject({ used: 16, highWater: peak })
    // Batched reserves count once they are published.
    for (let i = 0; i < 20; i++) writer.reserve(1, 24)
    expect(writer.stats().highWater).toBe(peak)
    writer.publish()
    expect(writer.stats()).toMatchObject({ used: 16 + 20 * 32, highWater: 16 + 20 * 32 })
    // A writer attached later to the same ring (e.g. after a restart of the producer) keeps the mark.
    expect(new RingWriter(sab).stats().highWater).toBe(16 + 20 * 32)
  })
})

describe('release rules', () => {
  test('release beyond head, backwards, or into reserved-but-unpublished bytes throws', () => {
    const { writer, reader } = ring(0xffff_fff0)
    writer.push(1, new Uint8Array(8))
    const first = writer.head() // crossed 2^32: numerically smaller than the start
    writer.push(1, new Uint8Array(8))
    const head = writer.head()
    expect(first).toBeLessThan(0xffff_fff0)
    expect(() => writer.release((head + 8) >>> 0)).toThrow(RangeError)
    writer.reserve(1, 8) // reserved, not published
    expect(() => writer.release((head + 16) >>> 0)).toThrow(RangeError)
    writer.release(first)
    expect(writer.tail()).toBe(first)
    expect(() => writer.release(0xffff_fff0)).toThrow(RangeError) // backwards across 2^32
    expect(() => reader.release(0xffff_fff0)).toThrow(RangeError)
    writer.release(first) // releasing to the current tail is a no-op, not an error
    expect(() => writer.release(first + 3)).toThrow(RangeError) // not aligned
    reader.release(head) // a self-releasing consumer uses the same rule
    expect(writer.used()).toBe(0)
    writer.publish()
    expect(writer.used()).toBe(16)
  })

  test('the writer sees room freed by a reader release (cached tail refreshes)', () => {
    const { writer, reader } = ring()
    while (writer.push(1, new Uint8Array(248))); // 256-byte records
    expect(writer.used()).toBe(CAP)
    reader.release(reader.head())
    expect(writer.push(1, new Uint8Array(248))).toBe(true)
  })
})

describe('state word', () => {
  test('moves forward only: OPEN → CLOSING → CLOSED', () => {
    const { writer, reader } = ring()
    expect(reader.getState()).toBe(RING_OPEN)
    expect(writer.setState(RING_CLOSING)).toBe(RING_OPEN)
    expect(reader.getState()).toBe(RING_CLOSING)
    expect(() => reader.setState(RING_OPEN)).toThrow(RangeError)
    expect(reader.setState(RING_CLOSED)).toBe(RING_CLOSING)
    expect(reader.setState(RING_CLOSED)).toBe(RING_CLOSED)
    expect(writer.getState()).toBe(RING_CLOSED)
  })
})
