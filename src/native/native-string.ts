/**
 * Constant strings as the bytes uWebSockets.js reads in place. Apart from ./uws.ts so that using it
 * does not load the native binary (a unit test of a header reader needs none).
 * @module
 */

/**
 * A constant string as bytes for a uWS call (header names to read, status lines and headers to write).
 * uWS.js converts a JavaScript string argument to UTF-8 on every call but reads an ArrayBuffer in
 * place (`NativeString`, https://github.com/uNetworking/uWebSockets.js/blob/master/src/Utilities.h):
 * ~45 ns less per argument. Latin-1 only, as header names and our constant values are.
 */
export function nativeString(text: string): ArrayBuffer {
  const bytes = Buffer.from(text, 'latin1')
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)
}
