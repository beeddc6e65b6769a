/**
 * A {@link Refusal}: one expected "no" with its catalogue entry's status, code, message, fields and
 * headers — made by {@link refuse}, answered as is by the HTTP side (src/http/respond.ts, src/api/reply.ts),
 * thrown by the query layer, the admin ops and the API routes, and caught by the API's error boundary
 * (src/api/handler.ts). Anything else thrown is a bug: logged, answered 500 `internal_error`.
 *
 * Not an `Error` subclass, on purpose: the HTTP thread makes one per refused request, and per refused
 * item of a server-side batch (10,000 at most), where an `Error`'s stack capture costs 0.3–5 µs against
 * ~50 ns for a plain object (measured with a 15-frame stack, node 20). A refusal is an answer, not a bug,
 * and needs no stack.
 *
 * A refusal crosses from a drain worker to the main thread as plain data (Piscina structured-clones
 * results, and a class does not survive the trip): {@link refusalFrom} makes it a refusal again.
 * @module
 */
import { CATALOGUE, type ErrorCode, type FieldIssue, type RefusalArgs } from './catalogue.js'

/** The JSON body of every error answer. */
export interface ErrorBody {
  code: ErrorCode
  message: string
  /** The first offending field, for clients that show one. */
  field?: string
  /** Every offending field. */
  fields?: FieldIssue[]
}

/** What of a refusal survives structured cloning (an admin op's reply: src/admin/run.ts). */
export interface RefusalData {
  body: ErrorBody
  headers?: Record<string, string>
}

export class Refusal implements RefusalData {
  readonly status: number
  readonly code: ErrorCode
  readonly message: string
  /** The first offending field, where one applies. */
  readonly field: string | undefined
  readonly fields: FieldIssue[] | undefined
  /** Extra headers, such as `Retry-After`. */
  readonly headers: Record<string, string> | undefined
  /** The answer's JSON body: `{code, message}`, then `field` and `fields` when a field is at fault. */
  readonly body: ErrorBody

  /** Use {@link refuse}; this is for it and for {@link refusalFrom}, so that status and code always agree. */
  constructor(code: ErrorCode, message: string, fields?: FieldIssue[], headers?: Record<string, string>) {
    this.status = CATALOGUE[code].status
    this.code = code
    this.message = message
    this.headers = headers
    const body: ErrorBody = { code, message }
    if (fields && fields.length > 0) {
      body.field = fields[0]!.field
      body.fields = fields
      this.field = body.field
      this.fields = fields
    } else {
      this.field = undefined
      this.fields = undefined
    }
    this.body = body
  }

  /** What is wrong with {@link field}, without its name (`fields[0].message`); the message when no field is named. */
  get detail(): string {
    return this.fields?.[0]?.message ?? this.message
  }
}

/**
 * The refusal again, from the plain data a worker sent back. A function rather than a static method:
 * a class that names itself inside its body is bundled as `_Refusal`, the name the logs would show.
 */
export function refusalFrom(data: RefusalData): Refusal {
  return new Refusal(data.body.code, data.body.message, data.body.fields, data.headers)
}

/** The refusal of `code`, its message (and fields, headers) made from `args` by its catalogue entry. */
export function refuse<C extends ErrorCode>(code: C, ...args: RefusalArgs<C>): Refusal {
  // The entry's functions take exactly `args` (RefusalArgs<C>); TypeScript cannot follow that through the index.
  const entry = CATALOGUE[code] as {
    message: (...a: unknown[]) => string
    fields?: (...a: unknown[]) => FieldIssue[] | undefined
    headers?: (...a: unknown[]) => Record<string, string>
  }
  return new Refusal(code, entry.message(...args), entry.fields?.(...args), entry.headers?.(...args))
}
