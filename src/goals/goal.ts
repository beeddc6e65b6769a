/**
 * A goal: what counts as a conversion on a site. `event` goals match a custom event name exactly
 * (case-sensitive); `path` goals match a page path exactly or a pattern with `*` wildcards (`/blog/*`).
 * Conversions come from rollups that exist for every event name and path, so a goal created after its
 * events counts them too.
 * @module
 */
export interface Goal {
  id: string
  site_id: string
  name: string
  type: 'event' | 'path'
  value: string
  created_at: string
}

/** Whether a path matches a path goal's value: exact, or `*` matching any run of characters. */
export function pathMatches(pattern: string, path: string): boolean {
  if (!pattern.includes('*')) return pattern === path
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  )
  return re.test(path)
}
