/** Types of tracker/build.mjs (plain JavaScript: esbuild.config.mjs imports it without a TypeScript step). */
export interface TrackerManifest {
  file: 'hk.js'
  /** First 16 hex digits of the SHA-256 of hk.js: the ETag and the immutable URL /hk.<hash>.js. */
  hash: string
  bytes: number
  gzipBytes: number
  budgetGzipBytes: number
}
export declare const GZIP_BUDGET_BYTES: number
export declare function contentHash(bytes: Uint8Array): string
/** Builds dist/tracker/ (or `outdir`); rejects, after writing, when gzipBytes > budget. */
export declare function buildTracker(options?: { outdir?: string; budget?: number }): Promise<TrackerManifest>
