/**
 * When hk.js does nothing at all, and why. Decided once, at load; index.ts prints the reason in one
 * `console.info` line, so a site owner testing the site sees why nothing arrives and what allows it.
 * @module
 */
import type { Win } from './dom.js'

const LOCAL_HOST = /^(localhost|127\.0\.0\.1|\[::1\])$/

/**
 * Why the tracker must stay silent — the end of the line `hk.js: not counting: …` — or a falsy value
 * to count. In this order: the site owner's own opt-out (`localStorage.hk_ignore` is `"true"`),
 * Do-Not-Track or Global Privacy Control (unless `data-collect-dnt`), a local page (unless
 * `data-allow-local`), an automated browser (unless `data-allow-webdriver`).
 */
export function whyNotCounting(
  w: Pick<Win, 'navigator' | 'location' | 'localStorage'>,
  on: (option: string) => boolean,
): string | false | undefined {
  const nav = w.navigator
  const loc = w.location
  // One sentence for the three switches: its text costs the gzip budget once.
  const unless = (option: string, what: string) => !on(option) && `${what} (add data-${option}="true" to count)`
  try {
    if (w.localStorage.getItem('hk_ignore') == 'true') return 'localStorage.hk_ignore (remove it to count)'
  } catch {
    // storage disabled: no opt-out flag either
  }
  return (
    ((nav.doNotTrack == '1' || nav.globalPrivacyControl) && unless('collect-dnt', 'DNT/GPC')) ||
    ((LOCAL_HOST.test(loc.hostname) || loc.protocol == 'file:') && unless('allow-local', 'local page')) ||
    (nav.webdriver && unless('allow-webdriver', 'navigator.webdriver'))
  )
}
