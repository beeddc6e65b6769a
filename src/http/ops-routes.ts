/**
 * Operations routes: `/healthz` (the process answers), `/readyz` (the store is open and the drain keeps
 * up) and `/metrics` (Prometheus text), each for GET and HEAD (the same answer without its body:
 * ./head.ts). Never rate-limited.
 * @module
 */
import type { Handler, Routes } from './framing.js'
import { sendJson, sendText } from './respond.js'

export interface OpsContext {
  /** Null when ready, else why not. */
  notReadyReason(): string | null
  renderMetrics(): string
}

export function registerOpsRoutes(app: Routes, ctx: OpsContext): void {
  const routes: [path: string, handler: Handler][] = [
    ['/healthz', (res) => sendJson(res, 200, { status: 'ok' })],
    [
      '/readyz',
      (res) => {
        const reason = ctx.notReadyReason()
        if (reason === null) sendJson(res, 200, { status: 'ready' })
        else sendJson(res, 503, { status: 'not_ready', code: 'not_ready', message: reason })
      },
    ],
    ['/metrics', (res) => sendText(res, 200, 'text/plain; version=0.0.4; charset=utf-8', ctx.renderMetrics())],
  ]
  for (const [path, handler] of routes) {
    app.get(path, handler)
    app.head(path, handler)
  }
}
