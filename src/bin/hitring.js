#!/usr/bin/env node
// The `hitring` command (package.json "bin"). The TypeScript sources are bundled into dist/ by
// `npm install` (the "prepare" script) and by `npm start` / `npm test`; build here if dist/ is missing.
import { existsSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const cli = join(root, 'dist', 'cli.js')
if (!existsSync(cli))
  execFileSync(process.execPath, [join(root, 'esbuild.config.mjs')], { cwd: root, stdio: 'inherit' })
await import(cli)
