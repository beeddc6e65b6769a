/**
 * The one error the read API throws on purpose: a request it will not answer, because a parameter is
 * malformed or because the rollups cannot answer it exactly. The REST layer maps it to HTTP 400 with
 * `{code, message, field, fields}`; anything else thrown from src/query is a bug (500). Each is built
 * from the field and what is wrong with it (`detail`, which does not repeat the field's name): the
 * answer's `message` is `field: detail` and `fields[0].message` the detail alone, as for `invalid_field`.
 *
 * | code                 | field                      | when |
 * |----------------------|----------------------------|------|
 * | `invalid_parameter`  | from, to, tz, interval, limit, compare | not a date / RFC 3339 instant / IANA zone / enum / integer in range |
 * | `invalid_range`      | from                       | from is after to |
 * | `range_too_large`    | from, interval, tz         | over ten years, over 4,000 chart points, or over 9,000 quarter-hours read |
 * | `invalid_filter`     | filter                     | not `type:value`, or a type nobody knows |
 * | `unsupported_filter` | filter                     | a known filter type this answer cannot apply exactly |
 * | `unsupported_range`  | from, to, tz               | the answer needs a breakdown cut inside a day, which is kept per day only |
 * @module
 */
export type QueryErrorCode =
  | 'invalid_parameter'
  | 'invalid_range'
  | 'range_too_large'
  | 'invalid_filter'
  | 'unsupported_filter'
  | 'unsupported_range'

export class QueryError extends Error {
  /**
   * @param detail what is wrong, without the field's name: `expected an integer from 1 to 1000, got "0"`.
   * @param field the parameter at fault; `message` is then `field: detail`.
   */
  constructor(
    readonly code: QueryErrorCode | string,
    readonly detail: string,
    readonly field?: string,
  ) {
    super(field === undefined ? detail : `${field}: ${detail}`)
    this.name = 'QueryError'
  }
}
