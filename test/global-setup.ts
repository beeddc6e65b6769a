// Builds dist/ once before the suites run (the server binary, the Piscina drain worker and the worker
// fixtures the thread tests start), so `npx vitest` alone works as well as `npm test`.
import { execFileSync } from 'node:child_process'

export default function setup(): void {
  execFileSync(process.execPath, ['esbuild.config.mjs'], { stdio: 'inherit' })
}
