/**
 * Case `i` of seed `s`: a family drawn by weight, then that family's builder, all from the case's own
 * generator (./rng.ts) — the same (seed, index) always gives the same request, up to the fixture ids
 * and the server-item timestamps, which depend on the run.
 * @module
 */
import { finish, type Draft, type HostileCase } from './case.js'
import { apiCase } from './families/api.js'
import type { GenContext } from './families/common.js'
import { ingestCase, preflightCase } from './families/ingest.js'
import { cutCase, headersCase, protocolCase } from './families/protocol.js'
import { batchCase, serverIngestCase } from './families/server.js'
import { opsCase, staticCase, unknownCase } from './families/static.js'
import { Rng } from './rng.js'

export type { GenContext } from './families/common.js'

const BUILDERS: ReadonlyArray<readonly [number, (ctx: GenContext, rng: Rng) => Draft]> = [
  [20, ingestCase],
  [3, preflightCase],
  [9, serverIngestCase],
  [7, batchCase],
  [24, apiCase],
  [5, staticCase],
  [3, opsCase],
  [4, unknownCase],
  [8, headersCase],
  [11, protocolCase],
  [6, cutCase],
]

export function generateCase(ctx: GenContext, seed: number, index: number): HostileCase {
  const rng = new Rng(seed, index)
  const build = rng.weighted(BUILDERS)
  return finish(index, build(ctx, rng))
}
