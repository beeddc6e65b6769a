/**
 * User accounts. The first user is the instance owner: they own every site created before them with the
 * CLI, and sites the CLI creates later (unless it names another owner).
 *
 * Reads are safe anywhere; the `…InTransaction` functions must run inside a write transaction (an admin
 * op in a worker, or the CLI), never on the HTTP thread.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { type Store, listSites } from '../store/index.js'
import { grantInTransaction } from './memberships.js'

export interface UserRecord {
  id: string
  email: string
  /** scrypt hash, see ./password.ts. Never leaves the store: answers use {@link publicUser}. */
  password_hash: string
  created_at: string
  instance_owner: boolean
}

export interface PublicUser {
  id: string
  email: string
  created_at: string
  instance_owner: boolean
}

export class AccountError extends Error {
  constructor(
    readonly code: 'duplicate_email' | 'setup_complete',
    message: string,
  ) {
    super(message)
  }
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

export function publicUser(u: UserRecord): PublicUser {
  return { id: u.id, email: u.email, created_at: u.created_at, instance_owner: u.instance_owner }
}

export function userById(store: Store, id: string): UserRecord | undefined {
  return store.users.get(id) as UserRecord | undefined
}

export function userByEmail(store: Store, email: string): UserRecord | undefined {
  const id = store.userEmails.get(normaliseEmail(email))
  return id === undefined ? undefined : userById(store, id)
}

export function hasAnyUser(store: Store): boolean {
  for (const _ of store.users.getKeys({ limit: 1 })) return true
  return false
}

/** The instance owner, if a user exists. */
export function instanceOwner(store: Store): UserRecord | undefined {
  for (const { value } of store.users.getRange({})) if ((value as UserRecord).instance_owner) return value as UserRecord
  return undefined
}

/**
 * Creates a user from an already computed password hash. With `onlyIfFirst`, refuses when any user
 * exists (the first-user set-up; checked inside the transaction, so two racing requests cannot both win).
 * The first user becomes instance owner and owner of every existing site.
 */
export function createUserInTransaction(
  store: Store,
  email: string,
  passwordHash: string,
  onlyIfFirst: boolean,
): UserRecord {
  const first = !hasAnyUser(store)
  if (onlyIfFirst && !first) throw new AccountError('setup_complete', 'The first user exists already; sign in instead')
  const normalised = normaliseEmail(email)
  if (store.userEmails.get(normalised) !== undefined)
    throw new AccountError('duplicate_email', `A user with the e-mail ${normalised} exists already`)
  const user: UserRecord = {
    id: randomUUID(),
    email: normalised,
    password_hash: passwordHash,
    created_at: new Date().toISOString(),
    instance_owner: first,
  }
  store.users.put(user.id, user)
  store.userEmails.put(normalised, user.id)
  if (first) for (const site of listSites(store)) grantInTransaction(store, user.id, site.id, 'owner')
  return user
}
