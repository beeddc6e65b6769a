/**
 * Password hashing with scrypt from node:crypto: a random 16-byte salt per password, parameters stored
 * in the hash (so they can be raised later without breaking old hashes), constant-time comparison.
 * Hashing runs on libuv's thread pool (the async `scrypt`), so it never blocks the HTTP thread.
 *
 * Format: `scrypt$<N>$<r>$<p>$<salt base64url>$<key base64url>`.
 * @module
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * N = 2^15, r = 8, p = 1: 32 MiB and ~90 ms per hash on the reference 2-core machines. OWASP suggests
 * N = 2^17 (128 MiB); we stay at 32 MiB so four concurrent logins fit a small box, and the auth rate
 * limit (2/s per IP) bounds online guessing. Raising N later keeps old hashes valid (N is stored).
 */
const N = 1 << 15
const R = 8
const P = 1
const KEY_BYTES = 32
const SALT_BYTES = 16
/** Longer inputs are refused before hashing: a megabyte "password" is an attack on CPU, not a secret. */
export const MAX_PASSWORD_LENGTH = 1024
export const MIN_PASSWORD_LENGTH = 8

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + (1 << 20) }
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))),
  )
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(password, salt, N, R, P)
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** True when `password` matches `stored`. A malformed stored hash never matches (and never throws). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  if (![n, r, p].every((x) => Number.isInteger(x) && x > 0) || n > 1 << 20) return false
  const expected = Buffer.from(parts[5]!, 'base64url')
  const key = await derive(password, Buffer.from(parts[4]!, 'base64url'), n, r, p)
  return expected.length === key.length && timingSafeEqual(key, expected)
}

let dummy: Promise<string> | undefined

/**
 * Spends the same work as a real check, for an e-mail that has no account: without it a login answers
 * measurably faster for unknown addresses, which tells an attacker which addresses exist.
 */
export async function dummyVerify(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(12).toString('base64url'))
  await verifyPassword(password, await dummy)
  return false
}
