/**
 * The custom-event example the dashboard shows, without touching the DOM (unit-tested in Node).
 * @module
 */

/**
 * Keeps calls made before hk.js has loaded (it loads `async`); hk.js replays them after its first pageview.
 * The README shows the same line, and test/tracker-readme.test.ts proves in Chromium that it works.
 */
export const HK_STUB =
  '<script>window.hk = window.hk || {event: function(){(window.hk.q = window.hk.q || []).push(arguments)}}</script>'
/** The custom-event example: the stub first, or a call placed right after the snippet is lost. */
export const eventSnippetText = (name = 'signup', props = "{ plan: 'pro' }"): string =>
  `${HK_STUB}\n<script>window.hk?.event?.('${name}', ${props})</script>`
