/**
 * What a page receives: where to render, the site (on site pages), the URL's query, and a way to know it
 * is still the page on screen (answers that arrive after the person moved on are dropped).
 * @module
 */
import type { El } from '../dom.js'
import type { Frame } from '../layout.js'
import type { LiveUpdate } from '../live.js'
import type { Site } from '../types.js'

export interface PageContext {
  root: El
  search: string
  /** False once another page has replaced this one. */
  alive(): boolean
  /** Runs when the page is left (close streams, destroy charts). */
  cleanup(fn: () => void): void
  /** Renders the page again (after a change). */
  reload(): void
}

export interface SitePageContext extends PageContext {
  site: Site
  frame: Frame
  /** The latest live figures of the site, now and on every update, until the page is left. */
  onLive(fn: (u: LiveUpdate) => void): void
}
