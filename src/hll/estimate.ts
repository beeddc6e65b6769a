/**
 * Cardinality from dense registers: Otmar Ertl's "improved raw estimator" (New cardinality estimation
 * algorithms for HyperLogLog sketches, arXiv:1702.01284, section 4; the estimator Redis uses since 5.0,
 * with the same p = 14 and 64-bit hash).
 *
 * It needs only the register histogram C_0..C_{q+1} (q = 64 − p = 50):
 *
 *   n̂ = α∞ m² / ( m·σ(C_0/m) + Σ_{k=1..q} C_k 2^−k + m·τ(1 − C_{q+1}/m) 2^−q ),   α∞ = 1 / (2 ln 2)
 *
 * σ takes the part of linear counting (empty registers) and τ the part of the saturated ones, so one
 * formula is nearly unbiased from 0 to far beyond 10^9 — without HLL++'s empirical bias tables or its
 * switch-over threshold between linear counting and the raw estimate. With 64 bits of hash no
 * large-range correction is needed.
 * @module
 */
import { HLL_PRECISION, REGISTERS } from './dense.js'

const Q = 64 - HLL_PRECISION
const ALPHA_INF = 1 / (2 * Math.LN2)

/** σ(x) = x + Σ_{k≥1} x^(2^k) 2^(k−1); infinite at x = 1 (all registers empty). */
function sigma(x: number): number {
  if (x === 1) return Infinity
  let y = 1
  let z = x
  for (;;) {
    x *= x
    const prev = z
    z += x * y
    y += y
    if (z === prev) return z
  }
}

/** τ(x) = (1/3) (1 − x − Σ_{k≥1} (1 − x^(2^−k))² 2^−k). */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0
  let y = 1
  let z = 1 - x
  for (;;) {
    x = Math.sqrt(x)
    const prev = z
    y *= 0.5
    z -= (1 - x) * (1 - x) * y
    if (z === prev) return z / 3
  }
}

/** Estimated cardinality from a histogram of register values (index = value, 0..q+1). */
export function denseEstimate(hist: Int32Array): number {
  const m = REGISTERS
  let z = m * tau((m - hist[Q + 1]) / m)
  for (let k = Q; k >= 1; k--) z = (z + hist[k]) * 0.5 // Horner: Σ C_k 2^−k and the τ term's 2^−q
  z += m * sigma(hist[0] / m)
  return Math.round((ALPHA_INF * m * m) / z)
}
