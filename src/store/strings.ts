/**
 * String interning: event names, page paths and other repeated strings are stored once and referred to
 * by small integers in rollup keys and raw events.
 *
 * Allocation happens inside the caller's write transaction (LMDB serialises writers, so two workers
 * never hand out the same id). A worker caches ids only after the transaction that created them has
 * committed, so a failed batch can never leave a cached id that does not exist on disk.
 * @module
 */
import { createHash } from 'node:crypto'
import type { Store } from './open.js'
import { reserveSequence } from './open.js'
import { utf8Length } from '../bytes/utf8.js'
import { namedNumbers, type TableKinds } from '../event/fields.js'

/**
 * Namespaces of interned strings: stored in keys, never renumber. Those of the event's stored fields come
 * from their table (src/event/fields.ts `kind`: EVENT_NAME 1, PATH 2, HOSTNAME 3, SOURCE 4, REFERRER_HOST 5,
 * UTM 6, BROWSER 7, OS 8, DEVICE 9, SCREEN 10, LANGUAGE 13); the others are here. A clash throws at load.
 */
export const StringKind = withTableKinds({
  DROP_REASON: 11,
  /** `<event name id>\u0001<key>\u0001<value>`: see {@link propDimText}. */
  PROP: 12,
} as const)

function withTableKinds<T extends Record<string, number>>(own: T): T & TableKinds {
  const table = namedNumbers((f) => (f.interned && f.kind ? [f.interned, f.kind] : undefined))
  for (const [name, n] of Object.entries(own))
    if (name in table || Object.values(table).includes(n)) throw new Error(`StringKind ${name} = ${n} clashes`)
  // In the order of their numbers, as when all were written here (src/store/packed.ts iterates them).
  return Object.fromEntries(Object.entries({ ...table, ...own }).sort((a, b) => a[1] - b[1])) as T & TableKinds
}

/** The text interned for one (event name, property key, value) breakdown. */
export function propDimText(nameId: number, key: string, value: string | number | boolean): string {
  return `${nameId}\u0001${key}\u0001${String(value)}`
}

/** The parts of a {@link propDimText}. */
export function parsePropDim(text: string): { nameId: number; key: string; value: string } {
  const a = text.indexOf('\u0001')
  const b = text.indexOf('\u0001', a + 1)
  return { nameId: Number(text.slice(0, a)), key: text.slice(a + 1, b), value: text.slice(b + 1) }
}

/**
 * LMDB keys are limited to 1978 bytes, and ordered-binary keys cannot hold NUL: long or odd strings are keyed by hash.
 */
const MAX_DIRECT_KEY_BYTES = 1500

function lookupKey(kind: number, text: string): [number, string] {
  if (utf8Length(text) <= MAX_DIRECT_KEY_BYTES && !text.includes('\u0000')) return [kind, text]
  return [kind, `\u0001sha256:${createHash('sha256').update(text).digest('base64url')}`]
}

export class Interner {
  /** Per kind, text → id: one map each, so a lookup builds no `kind + text` string (~20 per event). */
  #cache: Array<Map<string, number>> = []
  #cached = 0
  #pending: Array<Map<string, number>> = []

  constructor(private readonly store: Store) {}

  /** The id of `text` (0 for the empty string), allocating it in the current write transaction when it is new. */
  idInTransaction(kind: number, text: string): number {
    if (text === '') return 0
    const cached = this.#cache[kind]?.get(text) ?? this.#pending[kind]?.get(text)
    if (cached !== undefined) return cached
    const key = lookupKey(kind, text)
    let id = this.store.strings.get(key) as number | undefined
    if (id === undefined) {
      id = reserveSequence(this.store, `string_seq:${kind}`)
      this.store.strings.put(key, id)
      this.store.stringIds.put([kind, id], text)
    }
    ;(this.#pending[kind] ??= new Map()).set(text, id)
    return id
  }

  /** Call after the transaction committed: pending ids become cached. */
  committed(): void {
    this.#pending.forEach((pending, kind) => {
      const cache = (this.#cache[kind] ??= new Map())
      for (const [text, id] of pending) cache.set(text, id)
      this.#cached += pending.size
    })
    this.#pending = []
    if (this.#cached > 200_000) {
      this.#cache = [] // bounded memory; ids are re-read from LMDB
      this.#cached = 0
    }
  }

  /** Call when the transaction failed: forget ids it allocated. */
  aborted(): void {
    this.#pending = []
  }
}

/** The id of an interned string without creating it (reads and recounts); 0 when it was never interned. */
export function lookupStringId(store: Store, kind: number, text: string): number {
  if (text === '') return 0
  return (store.strings.get(lookupKey(kind, text)) as number | undefined) ?? 0
}

/** The text of an interned id (for reads and recounts). */
export function stringOf(store: Store, kind: number, id: number): string | undefined {
  return store.stringIds.get([kind, id]) as string | undefined
}
