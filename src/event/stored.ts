/**
 * A stored raw event: named fields, typed from the table (./fields.ts `STORED_FIELDS`). The drain builds
 * one per event as an object literal in the table's order (src/drain/write-batch.ts), the event-block
 * codec writes and reads them (src/store/event-block.ts), the recount reads them back
 * (src/derive/replay.ts). A stored event holds no IP and no User-Agent.
 * @module
 */
import { type HEAD_KEYS, STORED_FIELDS, type StoredCodec } from './fields.js'

export type Props = Record<string, string | number | boolean>

interface CodecTypes {
  zigzag: number
  kind: 0 | 1
  varint: number
  str: string
  props: Props | null
  visitor: Uint8Array
}

/** One raw event, its fields those of {@link STORED_FIELDS}. `dt` is in ms after its block's `t0`. */
export type StoredEvent = { [F in (typeof STORED_FIELDS)[number] as F['key']]: CodecTypes[F['codec']] }
export type StoredKey = keyof StoredEvent

/**
 * The fields up to the visitor ({@link HEAD_KEYS}) as positional arguments, in order: what the code
 * generated from the table (./compile.ts) takes before the ids it builds itself.
 */
export type StoredHead = ValuesOf<typeof HEAD_KEYS>
/** The stored event's value types for a tuple of its keys (mapped over a type parameter, so it stays a tuple). */
type ValuesOf<K extends readonly StoredKey[]> = { -readonly [I in keyof K]: StoredEvent[K[I] & StoredKey] }

/** The value of a field a block's format does not hold: read as empty. */
export function emptyOf(codec: StoredCodec): unknown {
  return codec === 'str' ? '' : codec === 'props' ? null : codec === 'visitor' ? new Uint8Array(8) : 0
}

/** A format-2 event (a msgpack tuple, fields by position in the table): the fields after its length empty. */
export function fromTuple(tuple: readonly unknown[]): StoredEvent {
  const e: Record<string, unknown> = {}
  for (let i = 0; i < STORED_FIELDS.length; i++) {
    const f = STORED_FIELDS[i]!
    e[f.key] = i < tuple.length ? tuple[i] : emptyOf(f.codec)
  }
  return e as StoredEvent
}

/** The event as a format-2 tuple, the table's order (tests write legacy blocks with it). */
export function toTuple(e: StoredEvent, fields = STORED_FIELDS.filter((f) => f.since === 2)): unknown[] {
  return fields.map((f) => e[f.key])
}
