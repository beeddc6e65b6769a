/**
 * Goals — the seed's contract: `POST /api/sites/{site_id}/goals {"name","type","value"}` → 201 with the
 * goal; `GET` lists them newest first; `DELETE …/goals/{goal_id}` → 204 (an unknown goal → 404). Editors
 * and owners manage goals; viewers read them. Conversions are read from rollups kept for every event
 * name and path, so a goal counts the events sent before it existed.
 * @module
 */
import { z } from 'zod'
import { listGoals } from '../../goals/store.js'
import { siteRoute } from '../site-route.js'
import { goalBodySchema, goalParams, goalSchema, siteIdParams } from '../schemas.js'

const common = { tag: 'goals', access: 'any', limit: 'api' } as const

export const goalRoutes = [
  siteRoute({
    ...common,
    method: 'GET',
    path: '/api/sites/:id/goals',
    summary: "The site's goals, newest first",
    params: siteIdParams,
    responses: { 200: { description: 'OK', schema: z.array(goalSchema) } },
    role: 'viewer',
    handle({ params, deps }) {
      return { status: 200, body: listGoals(deps.store, params.id) }
    },
  }),

  siteRoute({
    ...common,
    method: 'POST',
    path: '/api/sites/:id/goals',
    summary: 'Create a goal (editor): an event name, or a page path with optional * wildcards',
    params: siteIdParams,
    body: goalBodySchema,
    responses: { 201: { description: 'Created', schema: goalSchema } },
    role: 'editor',
    async handle({ params, body, deps }) {
      const goal = await deps.write('createGoal', {
        siteId: params.id,
        goal: { name: body.name, type: body.type, value: body.value },
      })
      return { status: 201, body: goal }
    },
  }),

  siteRoute({
    ...common,
    method: 'DELETE',
    path: '/api/sites/:id/goals/:goal_id',
    summary: 'Delete a goal (editor)',
    params: goalParams,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such goal on the site' } },
    role: 'editor',
    async handle({ params, deps }) {
      await deps.write('deleteGoal', { siteId: params.id, goalId: params.goal_id })
      return { status: 204 }
    },
  }),
]
