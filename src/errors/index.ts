/**
 * The error catalogue (layer 1, a leaf): every code hitring answers with its status and message
 * (./catalogue.ts), and the one refusal class that carries them (./refusal.ts).
 *
 * @example
 * ```ts
 * import { refuse, Refusal } from './errors/index.js'
 *
 * const no = refuse('unknown_goal', 'g_123') // 404, fields [{ field: 'goal_id', … }]
 * no.body // { code: 'unknown_goal', message: 'The site has no goal with the id "g_123"', field: 'goal_id', fields }
 * try {
 *   throw no
 * } catch (err) {
 *   if (err instanceof Refusal) console.log(err.status, err.code) // 404 unknown_goal
 * }
 * ```
 * @module
 */
export {
  CATALOGUE,
  STORAGE_RETRY_AFTER_S,
  type Accepts,
  type ErrorCode,
  type FieldIssue,
  type QueryErrorCode,
  type RefusalArgs,
  type SiteAsked,
} from './catalogue.js'
export { Refusal, refuse, refusalFrom, type ErrorBody, type RefusalData } from './refusal.js'
