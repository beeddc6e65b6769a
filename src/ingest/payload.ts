/**
 * The ingest payloads (`POST /ingest/event`, `POST /ingest`) and their validation.
 *
 * The same function validates on the HTTP thread (where a failure becomes a 400 naming the field) and
 * normalises in the drain worker (which re-parses the body it finds in the ring), so a payload the HTTP
 * thread accepted can always be stored.
 * @module
 */
import { z } from 'zod'
import type { FieldIssue } from '../http/errors.js'
import { Limits } from './limits.js'

const encoder = new TextEncoder()

/** UTF-8 length without allocating when the answer is obvious (every UTF-16 unit is at most 3 bytes). */
export function utf8Length(s: string): number {
  if (s.length * 3 <= 0xffff) {
    let n = s.length
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i)
      if (c >= 0x80) n += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1 // surrogate halves: 2 + 2 = 4 per pair
    }
    return n
  }
  return encoder.encode(s).length
}

/** A string of n UTF-16 units is n to 3n bytes of UTF-8: most checks need no counting. */
const maxBytes = (limit: number) => (s: string) => s.length * 3 <= limit || (s.length <= limit && utf8Length(s) <= limit)

const absoluteHttpUrl = z
  .string({ error: 'must be a string' })
  .refine(maxBytes(Limits.urlBytes), `must be at most ${Limits.urlBytes} bytes`)
  .refine(
    (s) => /^https?:\/\//i.test(s) && URL.canParse(s),
    'must be an absolute http or https URL',
  )

const propValue = z.union([z.string(), z.number(), z.boolean()], {
  error: 'must be a string, a number or a boolean',
})

const props = z
  .record(z.string(), propValue, { error: 'must be an object of string, number or boolean values' })
  .superRefine((obj, ctx) => {
    const keys = Object.keys(obj)
    if (keys.length > Limits.propsKeys) {
      ctx.addIssue({ code: 'custom', message: `must have at most ${Limits.propsKeys} keys (has ${keys.length})` })
    }
    for (const k of keys) {
      if (!maxBytes(Limits.propKeyBytes)(k)) {
        ctx.addIssue({ code: 'custom', path: [k], message: `key is over ${Limits.propKeyBytes} bytes` })
      }
      const v = obj[k]
      if (typeof v === 'string' && !maxBytes(Limits.propValueBytes)(v)) {
        ctx.addIssue({ code: 'custom', path: [k], message: `value is over ${Limits.propValueBytes} bytes` })
      }
    }
  })

const common = {
  site_id: z.uuid({ error: 'must be a site id (a UUID)' }).optional(),
  url: absoluteHttpUrl,
  // A browser may legitimately send a very long referrer; it is cut, not refused (see normalise()).
  referrer: z.string({ error: 'must be a string' }).nullish(),
  props: props.nullish(),
  // Sent by hk.js: a per-tab session id (groups pageviews into a session) and the screen width.
  session_id: z.uuid({ error: 'must be a UUID' }).optional(),
  screen_width: z.number({ error: 'must be a number' }).int('must be a whole number').min(0).max(100_000).optional(),
}

export const eventPayloadSchema = z.object({
  ...common,
  name: z
    .string({ error: 'is required and must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(Limits.nameChars, `must be at most ${Limits.nameChars} characters`),
})

export const pageviewPayloadSchema = z.object(common)

export type EventPayload = z.infer<typeof eventPayloadSchema>
export type PageviewPayload = z.infer<typeof pageviewPayloadSchema>

export const enum EventKind {
  Pageview = 0,
  Custom = 1,
}

/** A validated, normalised ingest payload. */
export interface IngestPayload {
  kind: EventKind
  siteId: string | undefined
  /** Event name; `pageview` for pageviews. */
  name: string
  url: string
  referrer: string
  props: Record<string, string | number | boolean> | null
  sessionId: string | undefined
  screenWidth: number | undefined
}

export type ValidationResult = { ok: true; value: IngestPayload } | { ok: false; fields: FieldIssue[] }

function toIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({
    field: i.path.length > 0 ? i.path.map(String).join('.') : '(body)',
    message: i.message,
  }))
}

function cut(s: string, bytes: number): string {
  if (s.length * 3 <= bytes || utf8Length(s) <= bytes) return s
  let out = s.slice(0, bytes)
  while (utf8Length(out) > bytes) out = out.slice(0, -1)
  return out
}

/** Validates an already-parsed JSON body. `kind` chooses the schema. */
export function validatePayload(kind: EventKind, body: unknown): ValidationResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, fields: [{ field: '(body)', message: 'must be a JSON object' }] }
  }
  const parsed =
    kind === EventKind.Custom ? eventPayloadSchema.safeParse(body) : pageviewPayloadSchema.safeParse(body)
  if (!parsed.success) return { ok: false, fields: toIssues(parsed.error) }
  const v = parsed.data
  return {
    ok: true,
    value: {
      kind,
      siteId: v.site_id,
      name: kind === EventKind.Custom ? (v as EventPayload).name : 'pageview',
      url: v.url,
      referrer: cut(v.referrer ?? '', Limits.referrerBytes),
      props: v.props && Object.keys(v.props).length > 0 ? v.props : null,
      sessionId: v.session_id,
      screenWidth: v.screen_width,
    },
  }
}
