/**
 * Loads the native uWebSockets.js binary directly.
 *
 * The package's own loader (`src/uws.js`) silently falls back to a slow pure-JS server when the native
 * binary does not load; we never want that, so we require the `.node` file ourselves and fail loudly.
 * uWebSockets.js is not on npm under its own name: package.json installs it as an alias of
 * `@trufflesuite/uws-js-unofficial`, the build that loads on Node 20 with Debian 12's glibc.
 * @module
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type * as UWS from 'uWebSockets.js'

const require = createRequire(import.meta.url)

function loadNative(): typeof UWS {
  const pkgDir = dirname(require.resolve('uWebSockets.js/package.json'))
  const file = join(pkgDir, 'binaries', `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`)
  try {
    return require(file) as typeof UWS
  } catch (err) {
    throw new Error(
      `hitring: cannot load the native uWebSockets.js binary ${file} ` +
        `(Node ${process.version}, ABI ${process.versions.modules}). Run hitring on Node 20 on Linux x64/arm64; ` +
        `the pure-JS fallback is refused on purpose. Cause: ${(err as Error).message}`,
    )
  }
}

export const uws: typeof UWS = loadNative()
export type { HttpRequest, HttpResponse, TemplatedApp, us_listen_socket } from 'uWebSockets.js'
