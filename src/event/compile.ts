/**
 * Code generated once, at load, from the event's table (./fields.ts): what a hot path does for each
 * field of a kind (count a visit attribute, intern it, encode it), written out as if by hand. A loop over
 * the table instead reads `e[key]` with a key that changes each turn, a megamorphic keyed load: ~10 times
 * the written-out cost per visit in bench/visit-fields.bench.ts. The generated code is exactly the
 * written-out code, so a new field costs the hot paths what a hand-written line would, and needs no edit
 * there. Only the table's own constants (keys, numbers) are spliced in, never a value from outside.
 * @module
 */

/** A function of `params` whose body is `body`, compiled once (call at module load only). */
export function compileFieldCode<F>(params: readonly string[], body: string): F {
  return new Function(...params, body) as F
}
