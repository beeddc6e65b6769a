/**
 * Open sessions in shared memory: one open-addressing table per ring lane, so the drain finds and
 * updates a visitor's session without an LMDB read or a random B-tree write per event (those were ~40 %
 * of the drain's CPU with 20,000 visitors: bench/README.md). Persistence is a log written in each
 * batch's own transaction (./log.ts), so after any restart the table is rebuilt exactly as committed.
 *
 * Why per lane, and why no locks: every event of one client IP goes to one lane, and a lane is drained
 * by one task at a time (src/pipeline/scheduler.ts) — so exactly one thread touches a lane's table at any
 * moment, whichever worker it is. The hand-over between workers goes through {@link EPOCH_INDEX}:
 * `begin` reads it with `Atomics.add` and `end` releases with `Atomics.store`, so a worker that takes
 * a lane sees every write of the worker that had it before.
 *
 * Consistency with the recount (src/derive/recount.ts) needs only this: for every session number the
 * table holds either the exact state the committed events give it, or nothing. A lost session is
 * harmless (the visitor's next event starts a new session number and the recount follows the stored
 * numbers); a stale one is not. Hence the undo log: a batch whose transaction fails puts back every slot
 * it touched.
 *
 * Layout of the shared memory (header, slots, the log entry a slot's first bytes are): ./layout.ts.
 * @module
 */
import type { SessionState } from './session.js'
import {
  BUSY_INDEX,
  CAPACITY_INDEX,
  COUNT_INDEX,
  DAY,
  ENTRY,
  ENTRY_BYTES,
  ENTRY_WORDS,
  EPOCH_INDEX,
  EXIT,
  F64_PER_SLOT,
  H0,
  H1,
  HEADER_BYTES,
  LAST_F,
  LOADED_INDEX,
  LOGGED_INDEX,
  MAGIC,
  MAGIC_INDEX,
  MIN_DAY_INDEX,
  MIN_LAST_F64,
  NEXT_LOG_SEQ_F64,
  NO_F,
  PV,
  SITE,
  SLOT_BYTES,
  START_F,
  TAG,
  TOUCHED,
  U32_PER_SLOT,
  type LogPosition,
  type SessionTableKey,
} from './layout.js'

/**
 * Slots per lane when nobody says (benches, tools): 2^16 × 64 B = 4 MiB per lane, touched only as used.
 * The server takes `-session-slots` (src/config/options.ts) and splits it over its lanes.
 */
export const DEFAULT_SLOTS_PER_LANE = 1 << 16
/** A batch starts with a sweep of expired sessions once a table is this full … */
const SWEEP_AT = 0.75
/** … and rebuilds the table only when the sweep frees at least this share of it (or inserts are refused). */
const SWEEP_MIN_GAIN = 1 / 64
/** … and inserts stop at this fill (probe chains stay short); such a visitor's sessions go untracked. */
const REFUSE_AT = 0.9

/** One scratch copy per thread for {@link SessionTable.sweep}, as large as the largest table swept (words). */
let sweepScratch = new Uint32Array(0)
function sweepCopy(words: number): Uint32Array {
  if (sweepScratch.length < words) sweepScratch = new Uint32Array(words)
  return sweepScratch.length === words ? sweepScratch : sweepScratch.subarray(0, words)
}

export function createSessionTable(slots = DEFAULT_SLOTS_PER_LANE): SharedArrayBuffer {
  if (!Number.isInteger(Math.log2(slots)) || slots < 16)
    throw new RangeError(`session table slots must be a power of two ≥ 16, got ${slots}`)
  const sab = new SharedArrayBuffer(HEADER_BYTES + slots * SLOT_BYTES)
  const h = new Uint32Array(sab, 0, HEADER_BYTES >> 2)
  h[MAGIC_INDEX] = MAGIC
  h[CAPACITY_INDEX] = slots
  return sab
}

export class SessionTable {
  readonly capacity: number
  readonly #mask: number
  readonly #header: Uint32Array
  readonly #headerF64: Float64Array
  readonly #u32: Uint32Array
  readonly #f64: Float64Array
  /** Worker-local undo log of the current batch: slot numbers and their 64 bytes before the batch. */
  #undoSlots: number[] = []
  #undoBytes = new Uint32Array(U32_PER_SLOT * 64)
  #epoch = 0

  constructor(readonly sab: SharedArrayBuffer) {
    this.#header = new Uint32Array(sab, 0, HEADER_BYTES >> 2)
    if (this.#header[MAGIC_INDEX] !== MAGIC) throw new Error('not a session table (bad magic)')
    this.#headerF64 = new Float64Array(sab, 0, HEADER_BYTES >> 3)
    this.capacity = this.#header[CAPACITY_INDEX]!
    this.#mask = this.capacity - 1
    this.#u32 = new Uint32Array(sab, HEADER_BYTES, this.capacity * U32_PER_SLOT)
    this.#f64 = new Float64Array(sab, HEADER_BYTES, this.capacity * F64_PER_SLOT)
  }

  get size(): number {
    return this.#header[COUNT_INDEX]!
  }

  /**
   * False before the lane's first batch in this process, and after a batch that never ended: restore it from the log.
   */
  get loaded(): boolean {
    return this.#header[LOADED_INDEX] === 1 && Atomics.load(this.#header, BUSY_INDEX) === 0
  }

  /** Empties the table (before restoring it from the log). */
  clear(): void {
    this.#u32.fill(0)
    this.#header[COUNT_INDEX] = 0
    this.#headerF64[MIN_LAST_F64] = 0
    this.#header[MIN_DAY_INDEX] = 0
    this.#header[LOADED_INDEX] = 0
    Atomics.store(this.#header, BUSY_INDEX, 0)
  }

  markLoaded(): void {
    this.#header[LOADED_INDEX] = 1
  }

  get nextLogSeq(): number {
    return this.#headerF64[NEXT_LOG_SEQ_F64]!
  }

  set nextLogSeq(seq: number) {
    this.#headerF64[NEXT_LOG_SEQ_F64] = seq
  }

  get loggedSinceSnapshot(): number {
    return this.#header[LOGGED_INDEX]!
  }

  set loggedSinceSnapshot(n: number) {
    this.#header[LOGGED_INDEX] = n
  }

  /**
   * Starts a batch: takes the lane (acquire), sweeps sessions idle since before `expiredBefore` (or of a
   * salt day before `oldestDay`) when the table is getting full. Sweeping is only allowed here, before
   * anything is saved for undo.
   */
  begin(expiredBefore: number, oldestDay: number): void {
    this.#epoch = (Atomics.add(this.#header, EPOCH_INDEX, 1) + 1) >>> 0 || 1
    // After 2^32 batches the epochs start over: a slot last touched 2^32 batches ago must not pass for
    // touched by this one (it would not be saved for undo).
    if (this.#epoch === 1) for (let i = 0; i < this.capacity; i++) this.#u32[i * U32_PER_SLOT + TOUCHED] = 0
    Atomics.store(this.#header, BUSY_INDEX, 1)
    this.#undoSlots.length = 0
    if (this.size < this.capacity * SWEEP_AT) return
    if (expiredBefore <= this.#headerF64[MIN_LAST_F64]! && oldestDay <= this.#header[MIN_DAY_INDEX]!) return
    this.sweep(
      expiredBefore,
      oldestDay,
      this.size >= this.capacity * REFUSE_AT ? 1 : Math.ceil(this.capacity * SWEEP_MIN_GAIN),
    )
  }

  /**
   * Ends a batch: the changes stay (the transaction committed, with the log value at `log`, ./log.ts);
   * releases the lane to the next worker.
   */
  end(log: LogPosition | null = null): void {
    if (log) {
      this.nextLogSeq = log.nextSeq
      this.loggedSinceSnapshot = log.loggedSinceSnapshot
    }
    this.#undoSlots.length = 0
    Atomics.store(this.#header, BUSY_INDEX, 0)
    Atomics.store(this.#header, EPOCH_INDEX, this.#epoch)
  }

  /** Ends a batch whose transaction failed: every slot it touched gets its old bytes back. */
  rollback(): void {
    const slots = this.#undoSlots
    // In reverse: a slot filled by this batch may sit on the probe path of a later insert of the same batch.
    for (let i = slots.length - 1; i >= 0; i--) {
      const slot = slots[i]!
      const before = this.#undoBytes.subarray(i * U32_PER_SLOT, (i + 1) * U32_PER_SLOT)
      if (this.#u32[slot * U32_PER_SLOT + TAG] !== 0 && before[TAG] === 0) this.#header[COUNT_INDEX]!--
      this.#u32.set(before, slot * U32_PER_SLOT)
    }
    this.end()
  }

  /** The slots this batch changed, in the order it first touched them (what the log records). */
  touched(): readonly number[] {
    return this.#undoSlots
  }

  /** The slot holding `key`, or -1. */
  find(key: SessionTableKey): number {
    const u = this.#u32
    for (let i = this.#home(key), probes = 0; probes < this.capacity; i = (i + 1) & this.#mask, probes++) {
      const o = i * U32_PER_SLOT
      const tag = u[o + TAG]!
      if (tag === 0) return -1
      if (
        tag === key.tag &&
        u[o + H0] === key.h0 &&
        u[o + H1] === key.h1 &&
        u[o + SITE] === key.site &&
        u[o + DAY] === key.day
      )
        return i
    }
    return -1
  }

  read(slot: number): SessionState {
    const o = slot * U32_PER_SLOT
    const f = slot * F64_PER_SLOT
    const u = this.#u32
    return {
      no: this.#f64[f + NO_F]!,
      start: this.#f64[f + START_F]!,
      last: this.#f64[f + LAST_F]!,
      pv: u[o + PV]!,
      entry: u[o + ENTRY]!,
      exit: u[o + EXIT]!,
    }
  }

  /**
   * Copies the first {@link ENTRY_BYTES} of `slot` — key and state, laid out as a session log entry
   * (./log.ts) — into `target` (32-bit words) at word `offset`; returns the slot's salt day. Word by word:
   * a subarray per entry was ~5 % of a drain worker's time.
   */
  copyEntry(slot: number, target: Uint32Array, offset: number): number {
    const u = this.#u32
    const o = slot * U32_PER_SLOT
    for (let i = 0; i < ENTRY_WORDS; i++) target[offset + i] = u[o + i]!
    return u[o + DAY]!
  }

  /** The key stored in `slot` (for the log). */
  keyOf(slot: number): SessionTableKey {
    const o = slot * U32_PER_SLOT
    const u = this.#u32
    return { tag: u[o + TAG]!, day: u[o + DAY]!, site: u[o + SITE]!, h0: u[o + H0]!, h1: u[o + H1]! }
  }

  /**
   * Writes `state` under `key` inside the current batch (saved for undo on first touch). `slot` is what
   * {@link find} returned for this key. Returns false when the table is too full to take a new session.
   */
  write(key: SessionTableKey, state: SessionState, slot: number): boolean {
    slot = this.#claim(key, slot)
    if (slot < 0) return false
    const o = slot * U32_PER_SLOT
    if (this.#u32[o + TOUCHED] !== this.#epoch) this.#saveForUndo(slot)
    this.#put(slot, key, state)
    this.#u32[o + TOUCHED] = this.#epoch
    return true
  }

  /** Inserts or overwrites without undo: rebuilding a table from its log (./log.ts), before any batch. */
  restore(key: SessionTableKey, state: SessionState): boolean {
    const slot = this.#claim(key, this.find(key))
    if (slot < 0) return false
    this.#put(slot, key, state)
    return true
  }

  /** The slot to write `key` to, given what {@link find} answered: a free one for a new key; -1 when full. */
  #claim(key: SessionTableKey, found: number): number {
    if (found >= 0) return found
    if (this.size >= this.capacity * REFUSE_AT) return -1
    return this.#freeSlotFor(key)
  }

  /** Calls `fn` with every occupied slot. */
  forEach(fn: (slot: number) => void): void {
    const u = this.#u32
    for (let i = 0; i < this.capacity; i++) if (u[i * U32_PER_SLOT + TAG] !== 0) fn(i)
  }

  /**
   * Forgets sessions last seen before `expiredBefore` or keyed by a salt day before `oldestDay`, by
   * rebuilding the table from what remains (linear probing has no cheap delete) — when that frees at least
   * `minGain` slots; otherwise the table stays as it is. Returns how many were forgotten.
   */
  sweep(expiredBefore: number, oldestDay: number, minGain = 1): number {
    const u = this.#u32
    const f = this.#f64
    // A scan without allocating: how many would go, and the bounds of what stays (./MIN_LAST_F64).
    let forgotten = 0
    let minLast = Infinity
    let minDay = 0xffffffff
    let minLastAll = Infinity
    let minDayAll = 0xffffffff
    for (let slot = 0; slot < this.capacity; slot++) {
      const o = slot * U32_PER_SLOT
      if (u[o + TAG] === 0) continue
      const last = f[slot * F64_PER_SLOT + LAST_F]!
      const day = u[o + DAY]!
      if (last < minLastAll) minLastAll = last
      if (day < minDayAll) minDayAll = day
      if (last < expiredBefore || day < oldestDay) forgotten++
      else {
        if (last < minLast) minLast = last
        if (day < minDay) minDay = day
      }
    }
    if (forgotten === 0 || forgotten < minGain) {
      this.#headerF64[MIN_LAST_F64] = minLastAll
      this.#header[MIN_DAY_INDEX] = minDayAll
      return 0
    }
    // Rebuild from a copy, slot words as they are: no key or state objects for the (up to ~60,000) that
    // stay — at every batch of a table kept full, those made it a drain worker's largest cost, with GC.
    const copy = sweepCopy(u.length)
    copy.set(u)
    const copyF64 = new Float64Array(copy.buffer, 0, u.length >> 1)
    u.fill(0)
    let count = 0
    for (let slot = 0; slot < this.capacity; slot++) {
      const o = slot * U32_PER_SLOT
      if (copy[o + TAG] === 0) continue
      if (copyF64[slot * F64_PER_SLOT + LAST_F]! < expiredBefore || copy[o + DAY]! < oldestDay) continue
      const i = this.#freeSlotFrom(
        this.#homeOf(copy[o + TAG]!, copy[o + DAY]!, copy[o + SITE]!, copy[o + H0]!, copy[o + H1]!),
      )
      u.set(copy.subarray(o, o + U32_PER_SLOT), i * U32_PER_SLOT)
      count++
    }
    this.#header[COUNT_INDEX] = count
    this.#headerF64[MIN_LAST_F64] = minLast
    this.#header[MIN_DAY_INDEX] = minDay
    return forgotten
  }

  #home(key: SessionTableKey): number {
    return this.#homeOf(key.tag, key.day, key.site, key.h0, key.h1)
  }

  #homeOf(tag: number, day: number, site: number, h0: number, h1: number): number {
    let h = h0 ^ Math.imul(h1, 0x9e3779b1) ^ Math.imul(site, 0x85ebca6b) ^ Math.imul(day, 0xc2b2ae35) ^ tag
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d)
    return (h ^ (h >>> 15)) & this.#mask
  }

  #freeSlotFor(key: SessionTableKey): number {
    return this.#freeSlotFrom(this.#home(key))
  }

  /** The first empty slot from `home` on (linear probing); the caller made sure there is one. */
  #freeSlotFrom(home: number): number {
    const u = this.#u32
    let i = home
    while (u[i * U32_PER_SLOT + TAG] !== 0) i = (i + 1) & this.#mask
    return i
  }

  #saveForUndo(slot: number): void {
    const n = this.#undoSlots.length
    if ((n + 1) * U32_PER_SLOT > this.#undoBytes.length) {
      const grown = new Uint32Array(this.#undoBytes.length * 2)
      grown.set(this.#undoBytes)
      this.#undoBytes = grown
    }
    this.#undoBytes.set(this.#u32.subarray(slot * U32_PER_SLOT, (slot + 1) * U32_PER_SLOT), n * U32_PER_SLOT)
    this.#undoSlots.push(slot)
  }

  /** Writes `key` and `s` into `slot`, counting it if it was free. */
  #put(slot: number, key: SessionTableKey, s: SessionState): void {
    const o = slot * U32_PER_SLOT
    const f = slot * F64_PER_SLOT
    const u = this.#u32
    if (u[o + TAG] === 0) this.#header[COUNT_INDEX]!++
    if (s.last < this.#headerF64[MIN_LAST_F64]!) this.#headerF64[MIN_LAST_F64] = s.last
    if (key.day < this.#header[MIN_DAY_INDEX]!) this.#header[MIN_DAY_INDEX] = key.day
    u[o + TAG] = key.tag
    u[o + DAY] = key.day
    u[o + SITE] = key.site
    u[o + H0] = key.h0
    u[o + H1] = key.h1
    u[o + PV] = s.pv
    u[o + ENTRY] = s.entry
    u[o + EXIT] = s.exit
    this.#f64[f + NO_F] = s.no
    this.#f64[f + START_F] = s.start
    this.#f64[f + LAST_F] = s.last
  }
}
