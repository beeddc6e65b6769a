/**
 * The error boundary's mapping: what a thrown value means for the client.
 * @module
 */
import { Errors, type HttpError } from '../http/errors.js'
import { ApiError } from '../admin/writer.js'
import { QueryError } from '../query/index.js'

/** The answer for an expected refusal, or null for anything else (a bug: logged, answered 500). */
export function toHttpError(err: unknown): HttpError | null {
  if (err instanceof ApiError) return err.error
  if (err instanceof QueryError) return Errors.invalidQuery(err.code, err.detail, err.field)
  return null
}
