/**
 * The `hk_token` session cookie: HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site
 * subrequests), Path=/, and Secure whenever the public URL is https. Max-Age matches the session's
 * server-side expiry, which is what actually decides.
 * @module
 */
import { SESSION_COOKIE } from './access.js'

function flags(secure: boolean): string {
  return `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`
}

export function sessionCookie(token: string, lifetimeMs: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Max-Age=${Math.max(1, Math.floor(lifetimeMs / 1000))}; ${flags(secure)}`
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Max-Age=0; ${flags(secure)}`
}
