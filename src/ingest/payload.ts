/**
 * The ingest payloads (`POST /ingest/event`, `POST /ingest`) and their validation.
 *
 * This is the hottest code on the HTTP thread, so it checks bounds by
 * hand instead of running a schema library (zod costs ~1.6 µs per event here against ~0.15 µs, measured
 * in bench/validation.bench.ts); zod validates the configuration and the REST API. It runs once, on the
 * HTTP thread (a failure becomes a 400 naming every offending field); the normalised payload it returns
 * is what the ring record carries to the drain worker (src/event/record.ts), so what was accepted is what is
 * stored.
 *
 * | field          | rule                                                                     |
 * |----------------|--------------------------------------------------------------------------|
 * | `site_id`      | optional; a UUID                                                         |
 * | `name`         | events only; a string, trimmed, 1 to 120 characters                      |
 * | `url`          | an absolute http(s) URL of at most 2,000 bytes                           |
 * | `referrer`     | optional string or null; cut (not refused) beyond 2,000 bytes            |
 * | `props`        | optional object or null; ≤ 30 keys of ≤ 300 bytes; values: string ≤ 2,000 bytes, number, boolean |
 * | `session_id`   | optional; a UUID (hk.js, per tab)                                        |
 * | `screen_width` | optional; a whole number from 0 to 100,000 (hk.js)                       |
 * | `language`     | optional string or null; a language tag, ≤ 35 letters, digits, `-`, `_` (hk.js) |
 * | `webdriver`    | optional; `true` from hk.js in an automated browser it may count          |
 *
 * Unknown fields are ignored. HitKeep's tracker payloads, which have no `url`, are read by
 * ./hitkeep-payload.ts into the same normalised payload.
 * @module
 */
import type { FieldIssue } from '../errors/index.js'
import { checkProps, cut, isHttpUrl, LANGUAGE_MESSAGE, optionalUuid, withinBytes } from './field-checks.js'
import { EventKind, type IngestPayload, LANGUAGE_TAG, Limits } from '../event/index.js'
import { isHitKeepPayload, readHitKeepPayload } from './hitkeep-payload.js'

export { isPlainHttpUrl } from './field-checks.js'
// What this module's validation produces is defined with the event's fields (src/event/).
export { EventKind, type IngestPayload, type PropValue } from '../event/payload.js'

export type ValidationResult = { ok: true; value: IngestPayload } | { ok: false; fields: FieldIssue[] }

/**
 * Validates an already-parsed JSON body. `kind` chooses the rules (events need a `name`). A body without
 * `url` that has HitKeep's keys is read as HitKeep's tracker payload (./hitkeep-payload.ts), its page URL
 * rebuilt from `origin` (the request's `Origin`, '' when none); the check sits where our format has
 * already failed, so a hitring body pays nothing for it.
 */
export function validatePayload(kind: EventKind, body: unknown, origin = ''): ValidationResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, fields: [{ field: '(body)', message: 'must be a JSON object' }] }
  }
  const b = body as Record<string, unknown>
  const issues: FieldIssue[] = []
  const url = b.url
  if (url === undefined && isHitKeepPayload(kind === EventKind.Custom, b)) {
    const hk = readHitKeepPayload(kind === EventKind.Custom, b, origin, issues)
    if (issues.length > 0) return { ok: false, fields: issues }
    const { name, referrer, props, sessionId, screenWidth, language } = hk
    return {
      ok: true,
      value: {
        kind,
        siteId: undefined,
        name,
        url: hk.url,
        referrer,
        props,
        sessionId,
        screenWidth,
        language,
        webdriver: false,
      },
    }
  }
  // Our format's checks stay inline: the helpers HitKeep's reader calls (optionalReferrer, eventName…)
  // cost this path ~8-10 ns of its ~165 (side-by-side run of the two versions, 300 interleaved rounds).
  const siteId = optionalUuid(b.site_id, 'site_id', 'a site id', issues)

  if (typeof url !== 'string') issues.push({ field: 'url', message: 'is required and must be a string' })
  else if (!withinBytes(url, Limits.urlBytes))
    issues.push({ field: 'url', message: `must be at most ${Limits.urlBytes} bytes` })
  else if (!isHttpUrl(url)) issues.push({ field: 'url', message: 'must be an absolute http or https URL' })

  const referrer = b.referrer
  if (referrer !== undefined && referrer !== null && typeof referrer !== 'string')
    issues.push({ field: 'referrer', message: 'must be a string' })
  const props = checkProps(b.props, issues, 'props')
  const sessionId = optionalUuid(b.session_id, 'session_id', 'a session id', issues)
  const sw = b.screen_width
  if (sw !== undefined && sw !== null && !(Number.isInteger(sw) && (sw as number) >= 0 && (sw as number) <= 100_000)) {
    issues.push({ field: 'screen_width', message: 'must be a whole number from 0 to 100000' })
  }
  const language = b.language
  if (language !== undefined && language !== null && !(typeof language === 'string' && LANGUAGE_TAG.test(language))) {
    issues.push({ field: 'language', message: LANGUAGE_MESSAGE })
  }

  let name = 'pageview'
  if (kind === EventKind.Custom) {
    if (typeof b.name !== 'string') issues.push({ field: 'name', message: 'is required and must be a string' })
    else {
      name = b.name.trim()
      if (name.length === 0) issues.push({ field: 'name', message: 'must not be empty' })
      else if (name.length > Limits.nameChars)
        issues.push({ field: 'name', message: `must be at most ${Limits.nameChars} characters` })
    }
  }
  if (issues.length > 0) return { ok: false, fields: issues }
  return {
    ok: true,
    value: {
      kind,
      siteId,
      name,
      url: url as string,
      referrer: typeof referrer === 'string' ? cut(referrer, Limits.referrerBytes) : '',
      props,
      sessionId,
      screenWidth: typeof sw === 'number' ? sw : undefined,
      // '' (an empty tag) is no language.
      language: typeof language === 'string' && language !== '' ? language : undefined,
      // hk.js sets it only in an automated browser it was allowed to count (data-allow-webdriver).
      webdriver: b.webdriver === true,
    },
  }
}

/** `validatePayload` for bodies known to be valid (tests, benches, fixtures): the payload, or a throw. */
export function validPayload(kind: EventKind, body: unknown): IngestPayload {
  const checked = validatePayload(kind, body)
  if (!checked.ok) throw new Error(`invalid ingest body: ${JSON.stringify(checked.fields)}`)
  return checked.value
}
