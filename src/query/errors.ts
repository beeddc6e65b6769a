/**
 * The one error the read API throws on purpose: a request it will not answer, because a parameter is
 * malformed or because the rollups cannot answer it exactly. The REST layer maps it to HTTP 400 with
 * `{code, message, field}`; anything else thrown from src/query is a bug (500).
 *
 * | code                 | field                      | when |
 * |----------------------|----------------------------|------|
 * | `invalid_parameter`  | from, to, tz, interval, limit, compare | not a date / RFC 3339 instant / IANA zone / enum / integer in range |
 * | `unaligned_instant`  | from, to                   | an instant not on a 15-minute boundary (the finest bucket kept) |
 * | `invalid_range`      | from                       | from is after to |
 * | `range_too_large`    | from, interval, tz         | over ten years, over 4,000 chart points, or over 9,000 quarter-hours read |
 * | `invalid_filter`     | filter                     | not `type:value`, or a type nobody knows |
 * | `unsupported_filter` | filter                     | a known filter type this answer cannot apply exactly |
 * | `unsupported_range`  | from, to, tz               | the answer needs a breakdown cut inside a day, which is kept per day only |
 * @module
 */
export type QueryErrorCode =
  | 'invalid_parameter'
  | 'unaligned_instant'
  | 'invalid_range'
  | 'range_too_large'
  | 'invalid_filter'
  | 'unsupported_filter'
  | 'unsupported_range'

export class QueryError extends Error {
  constructor(
    readonly code: QueryErrorCode | string,
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'QueryError'
  }

  toJSON(): { code: string; message: string; field?: string } {
    return this.field === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, field: this.field }
  }
}
