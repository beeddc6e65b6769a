/**
 * Goals in LMDB (the `goals` database): key `[site id, sequence]`, so a site's goals are one range and
 * the newest comes first when it is read backwards — no sort, and no tie when two goals share a
 * millisecond. Reads anywhere; `…InTransaction` only inside a write transaction (a worker's admin op).
 * @module
 */
import { randomUUID } from 'node:crypto'
import { type Store, reserveSequence } from '../store/index.js'
import { under } from '../accounts/keys.js'
import type { Goal } from './goal.js'

/** A site's goals, newest first. */
export function listGoals(store: Store, siteId: string): Goal[] {
  const { start, end } = under(siteId)
  return [...store.goals.getRange({ start: end, end: start, reverse: true })].map(({ value }) => value as Goal)
}

export function createGoalInTransaction(
  store: Store,
  siteId: string,
  goal: Pick<Goal, 'name' | 'type' | 'value'>,
): Goal {
  const created: Goal = {
    id: randomUUID(),
    site_id: siteId,
    name: goal.name,
    type: goal.type,
    value: goal.value,
    created_at: new Date().toISOString(),
  }
  store.goals.put([siteId, reserveSequence(store, 'goal_seq')], created)
  return created
}

/** Returns whether the site had the goal. */
export function deleteGoalInTransaction(store: Store, siteId: string, goalId: string): boolean {
  let found: unknown
  for (const { key, value } of store.goals.getRange(under(siteId))) {
    if ((value as Goal).id === goalId) {
      found = key
      break
    }
  }
  if (found === undefined) return false
  store.goals.remove(found as [string, number])
  return true
}

/** Removes every goal of a deleted site. */
export function deleteSiteGoalsInTransaction(store: Store, siteId: string): void {
  for (const key of [...store.goals.getKeys(under(siteId))]) store.goals.remove(key)
}
