/**
 * How an admin op says no: it throws an {@link AdminRefusal} carrying the HTTP error from the catalogue;
 * the transaction is rolled back and the error travels back to the main thread as plain data (Piscina
 * structured-clones results, and custom Error subclasses do not survive the trip).
 * @module
 */
import { Errors, type HttpError } from '../http/errors.js'
import { SiteError } from '../store/index.js'
import { AccountError } from '../accounts/users.js'

export class AdminRefusal extends Error {
  constructor(readonly error: HttpError) {
    super(error.body.message)
  }
}

/** The HTTP error for an expected refusal, or null for an unexpected failure (a bug: answered 500). */
export function refusalOf(err: unknown): HttpError | null {
  if (err instanceof AdminRefusal) return err.error
  // The store's own refusals, for the cases an op did not check first.
  if (err instanceof SiteError) {
    if (err.code === 'duplicate_domain') return Errors.duplicateDomain('this domain')
    return Errors.validation([{ field: err.code === 'invalid_timezone' ? 'timezone' : 'domain', message: err.message }])
  }
  if (err instanceof AccountError) return err.code === 'setup_complete' ? Errors.setupComplete() : Errors.duplicateEmail('this address')
  return null
}
