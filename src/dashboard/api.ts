/**
 * The REST API client: every call the dashboard makes, and nothing the API does not offer to any REST
 * user. Refusals become an {@link ApiError} carrying the API's own `code`, `message` and `field`, which the
 * pages show as they are; a lost session (401 on a signed-in call) sends the person to the sign-in page.
 * @module
 */
import { type FetchAnswer, win } from './dom.js'
import type {
  ApiClient,
  DropsResponse,
  ErrorBody,
  EventRow,
  Exclusions,
  EventPoint,
  Goal,
  GoalPoint,
  Member,
  PropertyKey_,
  PropertyValue,
  Site,
  StatsResponse,
  User,
} from './types.js'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message)
  }
  get code(): string {
    return this.body.code
  }
  /** The message for one field (validation failures), if the API named it. */
  fieldMessage(field: string): string | undefined {
    return this.body.fields?.find((f) => f.field === field)?.message
  }
}

/** Where hitring is served (the public URL's path, `/` unless behind a path prefix), from the HTML shell. */
export const BASE = win.document.querySelector('meta[name="hitring-base"]')?.getAttribute('content') || '/'

let onSignedOut: () => void = () => {}
export const whenSignedOut = (fn: () => void): void => void (onSignedOut = fn)

type Query = Record<string, string | string[] | undefined>

function qs(query?: Query): string {
  if (!query) return ''
  const parts: string[] = []
  for (const [k, v] of Object.entries(query)) {
    for (const x of v === undefined ? [] : Array.isArray(v) ? v : [v])
      parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(x)}`)
  }
  return parts.length ? `?${parts.join('&')}` : ''
}

const sleep = (ms: number) => new Promise<void>((r) => win.setTimeout(r, ms))

async function request<T>(
  method: string,
  path: string,
  options: { body?: unknown; query?: Query; quiet401?: boolean } = {},
): Promise<T> {
  const url = `${BASE}api/${path}${qs(options.query)}`
  const init = {
    method,
    credentials: 'same-origin' as const,
    cache: 'no-store' as const,
    headers: {
      Accept: 'application/json',
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  }
  for (let attempt = 0; ; attempt++) {
    let answer: FetchAnswer
    try {
      answer = await win.fetch(url, init)
    } catch (err) {
      throw new ApiError(0, {
        code: 'network_error',
        message: `Could not reach hitring (${(err as Error).message}). Check your connection and try again.`,
      })
    }
    // Reads are safe to repeat: wait out one short rate-limit answer instead of showing it.
    const retryAfter = Number(answer.headers.get('retry-after'))
    if (answer.status === 429 && method === 'GET' && attempt === 0 && retryAfter > 0 && retryAfter <= 3) {
      await sleep(retryAfter * 1000)
      continue
    }
    const text = answer.status === 204 ? '' : await answer.text()
    if (answer.ok) return (text === '' ? undefined : JSON.parse(text)) as T
    let body: ErrorBody
    try {
      body = JSON.parse(text) as ErrorBody
      if (typeof body.message !== 'string') throw new Error('no message')
    } catch {
      body = {
        code: `http_${answer.status}`,
        message: `hitring answered ${answer.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
      }
    }
    const error = new ApiError(answer.status, body)
    if (answer.status === 401 && !options.quiet401) onSignedOut()
    throw error
  }
}

export interface RangeQuery extends Query {
  from?: string
  to?: string
  interval?: string
}

const site = (id: string) => `sites/${encodeURIComponent(id)}`

export const api = {
  me: () => request<User>('GET', 'me', { quiet401: true }),
  initialUser: (email: string, password: string, setupToken: string) =>
    request<{ user: User }>('POST', 'initial-user', {
      body: { email, password, setup_token: setupToken },
      quiet401: true,
    }),
  login: (email: string, password: string, remember: boolean) =>
    request<{ status: 'ok' }>('POST', 'login', { body: { email, password, remember_me: remember }, quiet401: true }),
  logout: () => request<{ status: 'ok' }>('POST', 'logout', { quiet401: true }),

  sites: () => request<Site[]>('GET', 'sites'),
  site: (id: string) => request<Site>('GET', site(id)),
  createSite: (domain: string, timezone: string) => request<Site>('POST', 'sites', { body: { domain, timezone } }),
  updateSite: (id: string, timezone: string) => request<Site>('PATCH', site(id), { body: { timezone } }),
  deleteSite: (id: string) => request<void>('DELETE', site(id)),

  stats: (id: string, q: RangeQuery & { compare?: string; limit?: string }) =>
    request<StatsResponse>('GET', `${site(id)}/stats`, { query: q }),
  drops: (id: string, q: RangeQuery) => request<DropsResponse>('GET', `${site(id)}/drops`, { query: q }),
  realtime: (id: string) => request<{ visitors: number }>('GET', `${site(id)}/realtime`),
  streamUrl: (id: string) => `${BASE}api/${site(id)}/stream`,

  goals: (id: string) => request<Goal[]>('GET', `${site(id)}/goals`),
  createGoal: (id: string, goal: { name: string; type: 'event' | 'path'; value: string }) =>
    request<Goal>('POST', `${site(id)}/goals`, { body: goal }),
  deleteGoal: (id: string, goalId: string) =>
    request<void>('DELETE', `${site(id)}/goals/${encodeURIComponent(goalId)}`),
  goalsTimeseries: (id: string, q: RangeQuery & { goal_id?: string }) =>
    request<GoalPoint[]>('GET', `${site(id)}/goals/timeseries`, { query: q }),

  events: (id: string, q: RangeQuery) => request<EventRow[]>('GET', `${site(id)}/events`, { query: q }),
  eventKeys: (id: string, name: string, q: RangeQuery) =>
    request<PropertyKey_[]>('GET', `${site(id)}/events/${encodeURIComponent(name)}/properties`, { query: q }),
  eventValues: (id: string, name: string, key: string, q: RangeQuery) =>
    request<PropertyValue[]>(
      'GET',
      `${site(id)}/events/${encodeURIComponent(name)}/properties/${encodeURIComponent(key)}`,
      { query: q },
    ),
  eventTimeseries: (id: string, name: string, q: RangeQuery) =>
    request<EventPoint[]>('GET', `${site(id)}/events/${encodeURIComponent(name)}/timeseries`, { query: q }),

  exclusions: (id: string) => request<Exclusions>('GET', `${site(id)}/exclusions`),
  addExclusions: (id: string, change: Partial<Exclusions>) =>
    request<Exclusions>('POST', `${site(id)}/exclusions`, { body: change }),
  removeExclusions: (id: string, change: Partial<Exclusions>) =>
    request<Exclusions>('DELETE', `${site(id)}/exclusions`, { body: change }),

  members: (id: string) => request<Member[]>('GET', `${site(id)}/members`),
  /** Shares the site with an existing account, or changes a member's role. */
  setMember: (id: string, email: string, role: Member['role']) =>
    request<Member>('POST', `${site(id)}/members`, { body: { email, role } }),
  /** Removes a member; your own user id: leaves the site. */
  removeMember: (id: string, userId: string) =>
    request<void>('DELETE', `${site(id)}/members/${encodeURIComponent(userId)}`),

  apiClients: () => request<ApiClient[]>('GET', 'user/api-clients'),
  createApiClient: (name: string, siteRoles: ApiClient['site_roles']) =>
    request<{ client: ApiClient; token: string }>('POST', 'user/api-clients', {
      body: { name, site_roles: siteRoles },
    }),
  deleteApiClient: (clientId: string) => request<void>('DELETE', `user/api-clients/${encodeURIComponent(clientId)}`),
}
