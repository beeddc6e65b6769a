/**
 * The kinds of value a configuration option takes, as zod schemas with precise messages: numbers and
 * whole numbers in a range, sizes (`64MiB`), durations (`7d`, `500ms`), an address (`[host]:port`).
 * Each turns the text of a flag or an environment variable into the value the server runs with.
 * @module
 */
import { z } from 'zod'

/** `64MiB`, `5MB`, `1024`: bytes (k, m and g are all powers of 1024); NaN when unreadable. */
export function parseBytes(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(s.trim())
  if (!m) return NaN
  const unit = (m[2] ?? 'b').toLowerCase()[0]!
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1
  return Number(m[1]) * mult
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `500ms`, `30s`, `5m`, `36h`, `7d`; a bare number is seconds. */
export function parseDurationMs(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(s.trim())
  if (!m) return NaN
  return Number(m[1]) * DURATION_UNITS[m[2] ?? 's']!
}

export const positive = (what: string) =>
  z.coerce
    .number({ error: `must be a number (${what})` })
    .finite()
    .positive()

/**
 * A whole number in [min, max], with a message that says the range: zod's own `.int().min().max()` under
 * a schema-level `error` gave "must be a whole number" for 0 or 2,000,000 too.
 */
export const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .refine((n) => Number.isInteger(n) && n >= min && n <= max, `must be a whole number from ${min} to ${max}`)

/** `[host]:port` → host (brackets removed) and port. */
export const listenAddress = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]*):\d{1,5}$/, 'must be [host]:port, such as :8080 or 127.0.0.1:8080')
  .transform((s) => {
    const i = s.lastIndexOf(':')
    return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(s.slice(i + 1)) }
  })
  .refine((a) => a.port <= 65535, 'port must be at most 65535')
