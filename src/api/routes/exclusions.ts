/**
 * Exclusions of a site: `GET/POST/DELETE /api/sites/{id}/exclusions` over its excluded IPs/CIDRs and its
 * hostname allow-list. POST adds entries, DELETE removes them (same body); both answer the lists as
 * they are now. The ingest path re-reads sites every few seconds (src/store/site-directory.ts), so a
 * change applies to ingest within about 5 s.
 * @module
 */
import { refuse, type FieldIssue } from '../../errors/index.js'
import { formatIp, parseCidr } from '../../net/ip.js'
import { normaliseDomain, SiteError } from '../../store/index.js'
import { siteRoute } from '../site-route.js'
import { exclusionsChangeSchema, exclusionsSchema, siteIdParams } from '../schemas.js'

/** A bare address stays bare; a network is masked (`10.1.2.3/8` → `10.0.0.0/8`), so one rule has one spelling. */
function canonicalIp(text: string): string | null {
  const cidr = parseCidr(text.trim())
  if (cidr === null) return null
  const full = cidr.bytes.length * 8
  return cidr.prefix === full ? formatIp(cidr.bytes) : `${formatIp(cidr.bytes)}/${cidr.prefix}`
}

function canonicalHostname(text: string): string | null {
  const h = text.trim().toLowerCase()
  try {
    normaliseDomain(h.startsWith('*.') ? h.slice(2) : h.replace(/^www\./, ''))
    return h
  } catch (err) {
    if (err instanceof SiteError) return null
    throw err
  }
}

function canonical(body: { excluded_ips?: string[]; allowed_hostnames?: string[] }) {
  const fields: FieldIssue[] = []
  const map = (list: string[] | undefined, name: string, fn: (s: string) => string | null, what: string) =>
    (list ?? []).map((x, i) => {
      const ok = fn(x)
      if (ok === null) fields.push({ field: `${name}.${i}`, message: `not ${what}: ${JSON.stringify(x)}` })
      return ok ?? ''
    })
  const out = {
    excluded_ips: map(body.excluded_ips, 'excluded_ips', canonicalIp, 'an IP address or CIDR'),
    allowed_hostnames: map(
      body.allowed_hostnames,
      'allowed_hostnames',
      canonicalHostname,
      'a hostname (or *.hostname)',
    ),
  }
  if (fields.length > 0) throw refuse('invalid_field', fields)
  return out
}

const common = { tag: 'exclusions', access: 'any', limit: 'api', params: siteIdParams } as const
const answer = { 200: { description: 'The lists now', schema: exclusionsSchema } }

export const exclusionRoutes = [
  siteRoute({
    ...common,
    method: 'GET',
    path: '/api/sites/:id/exclusions',
    summary: "The site's excluded IPs and allowed hostnames",
    responses: answer,
    role: 'viewer',
    handle({ site }) {
      return {
        status: 200,
        body: { excluded_ips: site.excluded_ips ?? [], allowed_hostnames: site.allowed_hostnames ?? [] },
      }
    },
  }),
  siteRoute({
    ...common,
    method: 'POST',
    path: '/api/sites/:id/exclusions',
    summary: 'Add excluded IPs/CIDRs and allowed hostnames (editor)',
    body: exclusionsChangeSchema,
    responses: answer,
    role: 'editor',
    async handle({ params, body, deps }) {
      return { status: 200, body: await deps.write('changeExclusions', { siteId: params.id, add: canonical(body) }) }
    },
  }),
  siteRoute({
    ...common,
    method: 'DELETE',
    path: '/api/sites/:id/exclusions',
    summary: 'Remove excluded IPs/CIDRs and allowed hostnames (editor); same body as POST',
    body: exclusionsChangeSchema,
    responses: answer,
    role: 'editor',
    async handle({ params, body, deps }) {
      const c = canonical(body)
      // Also as typed: an entry written by the CLI may be spelled differently from our canonical form.
      const remove = {
        excluded_ips: [...c.excluded_ips, ...(body.excluded_ips ?? []).map((x) => x.trim())],
        allowed_hostnames: [...c.allowed_hostnames, ...(body.allowed_hostnames ?? []).map((x) => x.trim())],
      }
      return { status: 200, body: await deps.write('changeExclusions', { siteId: params.id, remove }) }
    },
  }),
]
