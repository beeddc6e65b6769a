/**
 * How an admin op says no: it throws a {@link Refusal} from the error catalogue; the transaction is
 * rolled back and the refusal travels back to the main thread as plain data (./run.ts). The store's own
 * errors, for the cases an op did not check first, become refusals here.
 * @module
 */
import { refuse, Refusal } from '../errors/index.js'
import { SiteError } from '../store/index.js'
import { AccountError } from '../accounts/users.js'

/** The refusal for an expected "no", or null for an unexpected failure (a bug: answered 500). */
export function refusalOf(err: unknown): Refusal | null {
  if (err instanceof Refusal) return err
  // The store's own refusals, for the cases an op did not check first.
  if (err instanceof SiteError) {
    if (err.code === 'duplicate_domain') return refuse('duplicate_domain', 'this domain')
    return refuse('invalid_field', [
      { field: err.code === 'invalid_timezone' ? 'timezone' : 'domain', message: err.message },
    ])
  }
  if (err instanceof AccountError)
    return err.code === 'setup_complete' ? refuse('setup_complete') : refuse('duplicate_email', 'this address')
  return null
}
