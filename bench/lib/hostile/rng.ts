/**
 * The fuzzer's seeded randomness. Case `i` of seed `s` draws from its own generator, seeded from
 * (s, i) alone, so any one case can be rebuilt without the cases before it: `-seed s -case i` replays
 * exactly the bytes that failed (only the fixture ids — site, token, cookie — differ between runs).
 * @module
 */

/** splitmix32: spreads (seed, index) over the 32-bit space so neighbouring cases share nothing. */
function mix(x: number): number {
  x = (x + 0x9e3779b9) | 0
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b)
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35)
  return (x ^ (x >>> 16)) >>> 0
}

/** A small deterministic generator (sfc32) with the draws the case builders need. */
export class Rng {
  #a: number
  #b: number
  #c: number
  #d: number

  constructor(seed: number, index: number) {
    this.#a = mix(seed)
    this.#b = mix(this.#a ^ index)
    this.#c = mix(this.#b + 0x6d2b79f5)
    this.#d = 1
    for (let i = 0; i < 12; i++) this.next()
  }

  /** Uniform in [0, 2^32). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0
    this.#d = (this.#d + 1) | 0
    this.#a = this.#b ^ (this.#b >>> 9)
    this.#b = (this.#c + (this.#c << 3)) | 0
    this.#c = (this.#c << 21) | (this.#c >>> 11)
    this.#c = (this.#c + t) | 0
    return t >>> 0
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 2 ** 32
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1))
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!
  }

  /** Picks by weight: `[[weight, value], …]`. */
  weighted<T>(items: ReadonlyArray<readonly [number, T]>): T {
    let total = 0
    for (const [w] of items) total += w
    let x = this.float() * total
    for (const [w, v] of items) if ((x -= w) < 0) return v
    return items[items.length - 1]![1]
  }

  /** Random bytes (deterministic). */
  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n)
    for (let i = 0; i < n; i++) out[i] = this.next() & 255
    return out
  }
}
