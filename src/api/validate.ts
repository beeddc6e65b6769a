/**
 * zod validation of path parameters, query strings and bodies into the catalogue's field errors:
 * `{"code":"invalid_field","field":"site_roles.0.role",…}` — every offending field, the first one first.
 * @module
 */
import type { z } from 'zod'
import type { FieldIssue } from '../errors/index.js'

export type Checked<T> = { ok: true; value: T } | { ok: false; fields: FieldIssue[] }

export function check<S extends z.ZodType>(schema: S | undefined, input: unknown, whole: string): Checked<z.output<S>> {
  if (schema === undefined) return { ok: true, value: undefined as z.output<S> }
  const parsed = schema.safeParse(input)
  if (parsed.success) return { ok: true, value: parsed.data }
  return {
    ok: false,
    fields: parsed.error.issues.map((i) => ({
      field: i.path.length > 0 ? i.path.map(String).join('.') : whole,
      message: i.message,
    })),
  }
}
