/**
 * Operations routes: `/healthz` (the process answers), `/readyz` (the store is open and the drain keeps
 * up) and `/metrics` (Prometheus text). Never rate-limited.
 * @module
 */
import type { Routes } from './framing.js'
import { sendJson, sendText, statusLine, writeHead } from './respond.js'

export interface OpsContext {
  /** Null when ready, else why not. */
  notReadyReason(): string | null
  renderMetrics(): string
}

export function registerOpsRoutes(app: Routes, ctx: OpsContext): void {
  app.get('/healthz', (res) => sendJson(res, 200, { status: 'ok' }))
  app.head('/healthz', (res) => {
    writeHead(res, statusLine(200))
    res.endWithoutBody()
  })
  app.get('/readyz', (res) => {
    const reason = ctx.notReadyReason()
    if (reason === null) sendJson(res, 200, { status: 'ready' })
    else sendJson(res, 503, { status: 'not_ready', code: 'not_ready', message: reason })
  })
  app.get('/metrics', (res) => sendText(res, 200, 'text/plain; version=0.0.4; charset=utf-8', ctx.renderMetrics()))
}
