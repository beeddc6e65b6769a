/**
 * The zod schemas of the account, site and goal routes: request bodies as validated, answers as
 * documented in /api/openapi.json. The read routes' schemas come from src/query.
 * @module
 */
import { z } from 'zod'
import { ROLES } from '../accounts/roles.js'
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../accounts/password.js'
import { CATALOGUE, type ErrorCode } from '../errors/index.js'

export const errorSchema = z
  .object({
    // The catalogue's codes, so the document lists every code a client may meet and cannot drift from it.
    code: z
      .enum(Object.keys(CATALOGUE) as [ErrorCode, ...ErrorCode[]])
      .describe('Stable machine-readable code (README, "Error codes")'),
    message: z.string().describe('For a refusal naming a field: `<field>: <what is wrong>`'),
    field: z.string().optional().describe('The first offending field'),
    fields: z
      .array(
        z.object({
          field: z.string(),
          message: z.string().describe("What is wrong, without repeating the field's name"),
        }),
      )
      .optional(),
  })
  .describe('Every 4xx/5xx answer')

export const roleSchema = z.enum(ROLES).describe('owner > editor (goals, exclusions) > viewer (reads)')
const email = z.email('must be an e-mail address').max(254)
const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`)

export const credentialsSchema = z.object({ email, password })
export const initialUserSchema = credentialsSchema.extend({
  // Optional here so that its absence is answered 403 invalid_setup_token (saying where to find it), not 400.
  setup_token: z
    .string()
    .max(200)
    .optional()
    .describe("The one-time token of the set-up link in the server's start-up log, or of `hitring setup-url`"),
})
export const loginSchema = z.object({
  // Any string: a malformed address is just a wrong one (same 401), not a hint.
  email: z.string().max(254),
  password: z.string().max(MAX_PASSWORD_LENGTH),
  remember_me: z.boolean().optional().describe('A session of -auth-remember-me-days instead of -auth-session-minutes'),
})
export const statusOkSchema = z.object({ status: z.literal('ok') })

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  created_at: z.string(),
  instance_owner: z.boolean().describe('The first user: owns the sites created with the CLI'),
})
export const meSchema = userSchema.extend({
  auth: z.object({
    kind: z.enum(['session', 'api_client']),
    expires_at: z.string().optional().describe('When the session ends (sessions only)'),
    api_client: z.object({ id: z.string(), name: z.string() }).optional(),
  }),
})

const siteGrant = z.object({ site_id: z.string(), role: roleSchema })
export const apiClientBodySchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(120),
  site_roles: z
    .array(siteGrant)
    .max(100)
    .superRefine((grants, ctx) => {
      const seen = new Set<string>()
      grants.forEach((g, i) => {
        if (seen.has(g.site_id)) ctx.addIssue({ code: 'custom', path: [i, 'site_id'], message: 'listed twice' })
        seen.add(g.site_id)
      })
    })
    .describe('Each at most your own role on the site'),
})
export const apiClientSchema = z.object({
  id: z.string(),
  name: z.string(),
  site_roles: z.array(siteGrant),
  created_at: z.string(),
})
export const apiClientCreatedSchema = z.object({
  client: apiClientSchema,
  token: z.string().describe('Shown once; stored only as a hash'),
})

export const siteIdParams = z.object({ id: z.string() })
export const siteSchema = z.object({
  id: z.string(),
  domain: z.string(),
  timezone: z.string(),
  created_at: z.string(),
  role: roleSchema.describe('Your role on the site'),
})
export const siteBodySchema = z.object({
  domain: z.string().describe('Bare domain, such as example.com: no scheme, path or leading www.'),
  timezone: z.string().optional().describe('IANA zone of the reports; default UTC'),
})
export const sitePatchSchema = z.object({
  timezone: z.string().describe('IANA zone; day and month figures are rebuilt'),
})

export const exclusionsSchema = z.object({
  excluded_ips: z.array(z.string()).describe('IPs and CIDRs whose events are dropped (X-Hitring-Drop: excluded_ip)'),
  allowed_hostnames: z
    .array(z.string())
    .describe('When not empty, only pages on these hostnames count; *.example.com allows subdomains'),
})
export const exclusionsChangeSchema = z
  .object({
    excluded_ips: z.array(z.string().max(64)).max(100).optional(),
    allowed_hostnames: z.array(z.string().max(255)).max(100).optional(),
  })
  .refine(
    (b) => (b.excluded_ips?.length ?? 0) + (b.allowed_hostnames?.length ?? 0) > 0,
    'give at least one entry in excluded_ips or allowed_hostnames',
  )

export const goalSchema = z.object({
  id: z.string(),
  site_id: z.string(),
  name: z.string(),
  type: z.enum(['event', 'path']),
  value: z.string(),
  created_at: z.string(),
})
const notBlank = (s: string) => s.trim() !== ''
export const goalBodySchema = z
  .object({
    name: z.string().max(120).refine(notBlank, 'must not be empty'),
    type: z.enum(['event', 'path'], { error: 'must be "event" or "path"' }),
    value: z
      .string()
      .max(2000)
      .refine(notBlank, 'must not be empty')
      .describe('The event name (exact, case-sensitive) or the page path (exact, or with * wildcards)'),
  })
  .superRefine((g, ctx) => {
    if (g.type === 'event' && g.value.length > 120)
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'event names are at most 120 characters' })
    if (g.type === 'path' && !/^[/*]/.test(g.value))
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'a path starts with / (or a * wildcard)' })
  })
export const goalParams = siteIdParams.extend({ goal_id: z.string() })

export const memberParams = siteIdParams.extend({ user_id: z.string() })
export const memberSchema = z.object({
  user_id: z.string(),
  email: z.string(),
  role: roleSchema,
})
export const memberBodySchema = z.object({
  // Loose on purpose: any address `hitring user add` accepted must be shareable with.
  email: z
    .string()
    .trim()
    .max(254)
    .regex(/^[^\s@]+@[^\s@]+$/, 'must be an e-mail address')
    .describe('An existing user (hitring user add)'),
  role: z
    .enum(ROLES, { error: 'must be "owner", "editor" or "viewer"' })
    .describe('owner > editor (goals, exclusions) > viewer (reads)'),
})
