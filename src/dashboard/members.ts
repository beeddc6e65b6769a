/**
 * The words of the Members card (`/api/sites/{id}/members`): role names, what each role may do, the
 * confirmation after sharing, and the API's sharing refusals in plain words. Pure (no DOM), like
 * ./drops.ts, so test/dashboard-members.test.ts checks it in Node.
 * @module
 */
import type { Member, Role } from './types.js'

/** Smallest first: the share form offers the least access by default. */
export const ROLES: readonly Role[] = ['viewer', 'editor', 'owner']

export const ROLE_NAME: Record<Role, string> = { viewer: 'Viewer', editor: 'Editor', owner: 'Owner' }

/** What a person may do with each role (sessions: owners also share, which tokens never may). */
export const ROLE_TEXT: Record<Role, string> = {
  viewer: 'Viewer: read figures',
  editor: 'Editor: also goals and exclusions',
  owner: 'Owner: also members, time zone, deletion',
}

/**
 * The API's refusal in plain words, for the codes a person can cause from the Members card; any other
 * refusal keeps the API's own message. Text between backticks is a command (shown as code).
 */
export function memberProblem(code: string, apiMessage: string): string {
  switch (code) {
    case 'unknown_user':
      return 'No account with this e-mail: create it with `hitring user add`'
    case 'last_owner':
      return 'A site needs at least one owner: make another member owner first (or delete the site)'
    case 'unknown_member':
      return 'This person has no role on the site any more (the list is up to date now)'
    default:
      return apiMessage
  }
}

/**
 * The confirmation after `POST …/members`: `before` is the list shown when the form was sent (the
 * answer's 201 or 200 is not visible through fetch's body alone).
 */
export function shareDone(before: readonly Member[], after: Member): string {
  const was = before.find((m) => m.user_id === after.user_id)
  const role = ROLE_NAME[after.role].toLowerCase()
  if (!was) return `Shared with ${after.email} as ${role}`
  return was.role === after.role ? `${after.email} already is ${role}` : `${after.email} is now ${role}`
}

/** `a `cmd` b` → pieces, every odd one a command: the page shows those as code. */
export const splitCode = (text: string): string[] => text.split('`')
