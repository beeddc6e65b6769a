/**
 * User-Agent → browser, OS and device class with ua-parser-js 1.x (MIT; 2.x is AGPL — do not upgrade),
 * behind a bounded cache; and the screen-width class. Never throws, bounded work on any input.
 * @module
 */
import UAParser from 'ua-parser-js'
import { BoundedCache } from './bots.js'

export type DeviceClass = 'desktop' | 'mobile' | 'tablet' | 'other'

export interface UserAgentInfo {
  /** Browser name without version, e.g. `Chrome`, `Safari`, `Samsung Internet`; `Unknown` if none. */
  readonly browser: string
  /** OS name without version, e.g. `Windows`, `macOS`, `iOS`, `Linux`, `ChromeOS`; `Unknown` if none. */
  readonly os: string
  readonly device: DeviceClass
}

/** ua-parser-js itself reads only the first 500 characters; cache keys are cut to the same length. */
const UA_KEY_CHARS = 500
/** Distinct UAs kept. Each entry is a key of ≤ 500 chars and a small frozen object: ≤ ~6 MB at worst. */
export const UA_CACHE_SIZE = 5_000

const UNKNOWN: UserAgentInfo = Object.freeze({ browser: 'Unknown', os: 'Unknown', device: 'other' })

/** ua-parser-js names → the names we report. Anything not listed is reported as ua-parser-js names it. */
const BROWSER_NAMES: Readonly<Record<string, string>> = {
  'Mobile Safari': 'Safari',
  'Mobile Chrome': 'Chrome',
  'Mobile Firefox': 'Firefox',
  'Samsung Browser': 'Samsung Internet',
  IE: 'Internet Explorer',
  IEMobile: 'Internet Explorer',
  UCBrowser: 'UC Browser',
}

/** Linux distributions ua-parser-js names separately; reported as `Linux`. */
const LINUX = new Set([
  'Arch',
  'CentOS',
  'Debian',
  'Deepin',
  'elementary OS',
  'Fedora',
  'Gentoo',
  'GNU',
  'Kubuntu',
  'Linpus',
  'Linspire',
  'Lubuntu',
  'Mageia',
  'Mandriva',
  'Manjaro',
  'Mint',
  'openSUSE',
  'PCLinuxOS',
  'Raspbian',
  'RedHat',
  'Red Hat',
  'Sabayon',
  'Slackware',
  'SUSE',
  'Ubuntu',
  'VectorLinux',
  'Xubuntu',
  'Zenwalk',
])

/** OSes that, when ua-parser-js reports no device type, mean a desktop or laptop. */
const DESKTOP_OS = new Set([
  'Windows',
  'macOS',
  'Linux',
  'ChromeOS',
  'FreeBSD',
  'OpenBSD',
  'NetBSD',
  'DragonFly',
  'Solaris',
  'Unix',
])

function browserName(name: string | undefined): string {
  if (!name) return 'Unknown'
  if (name.startsWith('Opera')) return 'Opera' // Opera Mini / Mobi / Touch / GX / Coast
  return BROWSER_NAMES[name] ?? name
}

function osName(name: string | undefined): string {
  if (!name) return 'Unknown'
  if (name === 'Mac OS') return 'macOS'
  if (name === 'Chromium OS') return 'ChromeOS'
  if (name === 'UNIX') return 'Unix'
  return LINUX.has(name) ? 'Linux' : name
}

// One parser, reused: drain workers and the HTTP thread are single-threaded and parsing is synchronous.
const parser = new UAParser()

/** Uncached classification of a UA already cut to at most {@link UA_KEY_CHARS}. */
function parse(ua: string): UserAgentInfo {
  if (ua.trim() === '') return UNKNOWN
  try {
    parser.setUA(ua)
    const b = parser.getBrowser().name
    const o = parser.getOS().name
    if (!b && !o) return UNKNOWN
    const os = osName(o)
    const type = parser.getDevice().type
    const device: DeviceClass =
      type === 'mobile' || type === 'tablet' ? type : type === undefined && DESKTOP_OS.has(os) ? 'desktop' : 'other'
    return Object.freeze({ browser: browserName(b), os, device })
  } catch {
    return UNKNOWN // ua-parser-js does not throw on strings; belt and braces for attacker input
  }
}

const cache = new BoundedCache<UserAgentInfo>(UA_CACHE_SIZE)

/**
 * Browser, OS and device class of a User-Agent. Results are cached (5,000 distinct UAs, approximate
 * LRU) and frozen: the same object may be returned to several callers.
 *
 * Device: ua-parser-js `mobile`/`tablet` as they are; no device type on a desktop OS (Windows, macOS,
 * Linux, ChromeOS, the BSDs) → `desktop`; anything else (consoles, TVs, wearables, unknown) → `other`.
 * An empty or unparsable UA gives `{ browser: 'Unknown', os: 'Unknown', device: 'other' }`.
 * Note: iPadOS Safari sends a macOS UA by default and is reported as macOS desktop.
 */
export function classifyUserAgent(ua: string): UserAgentInfo {
  if (typeof ua !== 'string' || ua.length === 0) return UNKNOWN
  return cache.getOrCompute(ua.length > UA_KEY_CHARS ? ua.slice(0, UA_KEY_CHARS) : ua, parse)
}

/** {@link classifyUserAgent} without the cache (for benchmarks and tests). */
export function classifyUserAgentUncached(ua: string): UserAgentInfo {
  if (typeof ua !== 'string' || ua.length === 0) return UNKNOWN
  return parse(ua.length > UA_KEY_CHARS ? ua.slice(0, UA_KEY_CHARS) : ua)
}

export type ScreenClass = '' | 'mobile' | 'tablet' | 'laptop' | 'desktop'

/**
 * Screen class from the viewport/screen width in CSS pixels, with Plausible's thresholds:
 * < 576 mobile, < 992 tablet, < 1440 laptop, else desktop; `''` when absent, not finite or ≤ 0.
 */
export function screenClass(width: number | undefined): ScreenClass {
  if (typeof width !== 'number' || !Number.isFinite(width) || width <= 0) return ''
  if (width < 576) return 'mobile'
  if (width < 992) return 'tablet'
  if (width < 1440) return 'laptop'
  return 'desktop'
}
