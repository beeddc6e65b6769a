/**
 * Signing in and out: `POST /api/initial-user` (the first account), `POST /api/login`,
 * `POST /api/logout`, `GET /api/me`.
 *
 * The first account needs the one-time set-up token (src/accounts/setup-token.ts) of the link the
 * server's operator was shown — from loopback too: behind a reverse proxy every request comes from there.
 * A missing or wrong token is refused before any scrypt work.
 *
 * Login answers one 401 for an unknown e-mail and a wrong password, and spends the same scrypt work on
 * both (a dummy hash for unknown addresses), so neither the body nor the timing says which it was.
 * @module
 */
import { z } from 'zod'
import { refuse } from '../../errors/index.js'
import type { NewSession } from '../../admin/ops.js'
import { dummyVerify, hashPassword, verifyPassword } from '../../accounts/password.js'
import { newToken, TokenPrefix, tokenHash } from '../../accounts/tokens.js'
import { hasAnyUser, publicUser, userByEmail } from '../../accounts/users.js'
import { setupTokenMatches } from '../../accounts/setup-token.js'
import { clearedSessionCookie, sessionCookie } from '../cookies.js'
import { isHttps } from '../../http/security-headers.js'
import { route } from '../route.js'
import { initialUserSchema, loginSchema, meSchema, statusOkSchema, userSchema } from '../schemas.js'
import type { ApiDeps } from '../types.js'

/** A fresh session: the token for the cookie, and what is stored (its hash, never the token). */
function openSession(
  deps: ApiDeps,
  userId: string,
  remember: boolean,
): { token: string; lifetimeMs: number; login: NewSession } {
  const token = newToken(TokenPrefix.session)
  const lifetimeMs = remember ? deps.rememberMeMs : deps.sessionMs
  const now = deps.now()
  return {
    token,
    lifetimeMs,
    login: {
      hash: tokenHash(token),
      session: { user_id: userId, created_at: now, expires_at: now + lifetimeMs, remember },
    },
  }
}

export const authRoutes = [
  route({
    method: 'POST',
    path: '/api/initial-user',
    summary: 'Create the first user (only while there is none); signs them in',
    tag: 'accounts',
    access: 'public',
    limit: 'auth',
    body: initialUserSchema,
    responses: {
      201: { description: 'Created; Set-Cookie: hk_token', schema: z.object({ user: userSchema }) },
      403: { description: 'setup_token is missing, wrong or no longer valid (invalid_setup_token)' },
      409: { description: 'A user exists already' },
    },
    async handle({ body, deps }) {
      // Both checked again inside the write transaction; these early answers only save a useless scrypt.
      if (hasAnyUser(deps.store)) throw refuse('setup_complete')
      const token = body.setup_token
      if (token === undefined || token === '') throw refuse('invalid_setup_token', true)
      if (!setupTokenMatches(deps.store, token)) throw refuse('invalid_setup_token', false)
      const passwordHash = await hashPassword(body.password)
      const s = openSession(deps, '', false)
      const user = await deps.write('initialUser', {
        email: body.email,
        passwordHash,
        setupTokenHash: tokenHash(token),
        login: s.login,
      })
      return {
        status: 201,
        body: { user },
        headers: { 'Set-Cookie': sessionCookie(s.token, s.lifetimeMs, isHttps(deps.publicUrl())) },
      }
    },
  }),

  route({
    method: 'POST',
    path: '/api/login',
    summary: 'Sign in: sets the hk_token session cookie',
    tag: 'accounts',
    access: 'public',
    limit: 'auth',
    body: loginSchema,
    responses: {
      200: { description: 'Signed in; Set-Cookie: hk_token', schema: statusOkSchema },
      401: { description: 'Invalid email or password' },
    },
    async handle({ body, deps }) {
      const user = userByEmail(deps.store, body.email)
      const ok = user ? await verifyPassword(body.password, user.password_hash) : await dummyVerify(body.password)
      if (!user || !ok) throw refuse('invalid_credentials')
      const s = openSession(deps, user.id, body.remember_me === true)
      await deps.write('createSession', s.login)
      return {
        status: 200,
        body: { status: 'ok' },
        headers: { 'Set-Cookie': sessionCookie(s.token, s.lifetimeMs, isHttps(deps.publicUrl())) },
      }
    },
  }),

  route({
    method: 'POST',
    path: '/api/logout',
    summary: 'Sign out: the session is revoked at once',
    tag: 'accounts',
    access: 'session',
    limit: 'api',
    responses: { 200: { description: 'Signed out; the cookie is cleared', schema: statusOkSchema } },
    async handle({ principal, deps }) {
      if (principal?.kind === 'session') await deps.write('deleteSession', { hash: principal.tokenHash })
      return {
        status: 200,
        body: { status: 'ok' },
        headers: { 'Set-Cookie': clearedSessionCookie(isHttps(deps.publicUrl())) },
      }
    },
  }),

  route({
    method: 'GET',
    path: '/api/me',
    summary: 'The signed-in user (or the user behind an API token)',
    tag: 'accounts',
    access: 'any',
    limit: 'api',
    responses: { 200: { description: 'OK', schema: meSchema } },
    handle({ principal }) {
      const p = principal!
      const auth =
        p.kind === 'session'
          ? { kind: 'session' as const, expires_at: new Date(p.session.expires_at).toISOString() }
          : { kind: 'api_client' as const, api_client: { id: p.client.id, name: p.client.name } }
      return { status: 200, body: { ...publicUser(p.user), auth } }
    },
  }),
]
