/**
 * The script tag's `data-*` options. A switch is on only when its attribute is exactly `"true"`
 * (HitKeep's rule), so a typo leaves the privacy-preserving default in place:
 *
 * | attribute | effect |
 * |---|---|
 * | `data-hash="true"` | the hash is the route (`#/settings`), reported as part of the path |
 * | `data-track="outbound,downloads,forms"` | automatic events, any subset, any separator |
 * | `data-collect-dnt="true"` | also count visitors who send Do-Not-Track or Global Privacy Control |
 * | `data-allow-local="true"` | also count on localhost, 127.0.0.1, [::1] and file: pages |
 * | `data-allow-webdriver="true"` | also count automated browsers (end-to-end tests), marked `webdriver: true` |
 *
 * A switch is read by index.ts's one-line `on(name)`, and `data-track` by the tiny function below, rather
 * than into an options object: property names survive minification and would cost the gzip budget on
 * every use.
 * @module
 */

/** Whether `data-track` lists `item` (`outbound`, `download`, `form`; the plurals contain them). */
export const tracks = (value: string | null, item: 'outbound' | 'download' | 'form'): boolean => !!value?.includes(item)
