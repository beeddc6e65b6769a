/**
 * When hk.js does nothing at all. Decided once, at load.
 * @module
 */

export interface NavigatorSignals {
  doNotTrack?: string | null
  globalPrivacyControl?: boolean
  webdriver?: boolean
}

const LOCAL_HOST = /^(localhost|127\.0\.0\.1|\[::1\])$/

/**
 * True when the tracker must stay silent: the site owner's own opt-out (`localStorage.hk_ignore` is
 * `"true"`), Do-Not-Track or Global Privacy Control (unless `data-collect-dnt`), a local page (unless
 * `data-allow-local`), an automated browser (unless `data-allow-webdriver`).
 */
export function isBlocked(
  nav: NavigatorSignals,
  loc: { hostname: string; protocol: string },
  ignore: string | null,
  on: (option: string) => boolean,
): boolean | undefined {
  return (
    ignore === 'true' ||
    (!on('collect-dnt') && (nav.doNotTrack === '1' || nav.globalPrivacyControl)) ||
    (!on('allow-local') && (LOCAL_HOST.test(loc.hostname) || loc.protocol === 'file:')) ||
    (!on('allow-webdriver') && nav.webdriver)
  )
}
