/**
 * API clients: `POST/GET /api/user/api-clients`, `DELETE /api/user/api-clients/{client_id}`. Signed-in
 * users only — a token cannot mint or list tokens. Each grant is at most the user's own role on the
 * site; a site the user cannot see answers 404, as everywhere.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { clientsOf, publicClient, type ApiClientRecord } from '../../accounts/api-clients.js'
import { newToken, TokenPrefix, tokenHash } from '../../accounts/tokens.js'
import { siteFor } from '../access.js'
import { route } from '../route.js'
import { apiClientBodySchema, apiClientCreatedSchema, apiClientSchema } from '../schemas.js'

export const apiClientRoutes = [
  route({
    method: 'POST',
    path: '/api/user/api-clients',
    summary: 'Create an API client; its token is in this answer only',
    tag: 'accounts',
    access: 'session',
    limit: 'api',
    body: apiClientBodySchema,
    responses: { 201: { description: 'Created', schema: apiClientCreatedSchema } },
    async handle({ body, principal, deps }) {
      for (const grant of body.site_roles) siteFor(deps.store, principal, grant.site_id, grant.role)
      const token = newToken(TokenPrefix.apiClient)
      const record: ApiClientRecord = {
        id: randomUUID(),
        user_id: principal!.user.id,
        name: body.name,
        site_roles: body.site_roles,
        token_hash: tokenHash(token),
        created_at: new Date(deps.now()).toISOString(),
      }
      const client = await deps.write('createApiClient', { client: record })
      return { status: 201, body: { client, token } }
    },
  }),

  route({
    method: 'GET',
    path: '/api/user/api-clients',
    summary: 'Your API clients (without tokens)',
    tag: 'accounts',
    access: 'session',
    limit: 'api',
    responses: { 200: { description: 'OK', schema: z.array(apiClientSchema) } },
    handle({ principal, deps }) {
      return { status: 200, body: clientsOf(deps.store, principal!.user.id).map((c) => publicClient(deps.store, c)) }
    },
  }),

  route({
    method: 'DELETE',
    path: '/api/user/api-clients/:client_id',
    summary: 'Delete an API client: its token stops working at once',
    tag: 'accounts',
    access: 'session',
    limit: 'api',
    params: z.object({ client_id: z.string() }),
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such client of yours' } },
    async handle({ params, principal, deps }) {
      await deps.write('deleteApiClient', { userId: principal!.user.id, clientId: params.client_id })
      return { status: 204 }
    },
  }),
]
