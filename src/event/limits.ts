/** Limits on ingested payloads, shared by the HTTP thread (validation) and the drain workers (storage). */
export const Limits = {
  /** Request bodies above this are refused with 413 without being buffered. */
  bodyBytes: 64 * 1024,
  urlBytes: 2000,
  referrerBytes: 2000,
  nameChars: 120,
  propsKeys: 30,
  propKeyBytes: 300,
  propValueBytes: 2000,
  /** RFC 5646 §4.4.1: a language tag of up to 35 characters must be supported; navigator.language is far shorter. */
  languageChars: 35,
  /** A server item's idempotency key (`id`), in bytes. */
  idempotencyKeyBytes: 128,
  /** How long a server item's accepted (or dropped) idempotency key makes its retries duplicates. */
  idempotencyWindowMs: 24 * 60 * 60 * 1000,
  /** How far ahead of the server's clock a server item's `timestamp` may be. */
  futureMs: 5 * 60 * 1000,
  /** User-Agents longer than this are cut before they enter the ring (they are never stored). */
  userAgentBytes: 1024,
} as const
