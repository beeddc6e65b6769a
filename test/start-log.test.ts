/**
 * What the start-up log tells a newcomer (issue 14): where the server listens and where the dashboard is —
 * the address that was bound (http://127.0.0.1:<port> for 127.0.0.1, http://localhost:<port> for every
 * interface, the public URL when one is set), the one they open. While no user exists the `dashboard:`
 * line is the one-time set-up link that creates the first account; once one exists, the plain address,
 * with no word of a first account and no token.
 */
import { expect, test } from 'vitest'
import { addUser } from './helpers/api.js'
import { startServer, tempDataDir, type ServerProcess, cleanupsAfterAll } from './helpers/server.js'

const cleanups = cleanupsAfterAll()

const dir = tempDataDir()
cleanups.push(() => dir.remove())

async function start(args: string[] = [], dataPath = dir.path): Promise<ServerProcess> {
  const server = await startServer(dataPath, args)
  cleanups.push(() => server.stop())
  return server
}

/** The messages of the JSON log lines, once the `dashboard:` line is in (it follows the listening line). */
async function messages(server: ServerProcess): Promise<string[]> {
  const read = () => server.logs.filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { msg: string }).msg)
  const deadline = Date.now() + 5000
  while (!read().some((m) => m.startsWith('dashboard: '))) {
    if (Date.now() > deadline) throw new Error(`no dashboard: line in\n${server.logs.join('\n')}`)
    await new Promise((r) => setTimeout(r, 20))
  }
  return read()
}

test('a fresh store: the set-up link on the address bound, to create the first account', async () => {
  const server = await start()
  const base = `http://127.0.0.1:${server.port}`
  const logged = await messages(server)
  expect(logged).toContain(`hitring listening on ${base}`)
  const dashboard = logged.filter((m) => m.startsWith('dashboard: '))
  expect(dashboard).toHaveLength(1)
  expect(dashboard[0]).toMatch(
    new RegExp(
      `^dashboard: ${base}/setup\\?token=hru_[\\w-]{43} \\(open it to create the first account; it works once\\)$`,
    ),
  )
  await server.stop()
})

test('once a user exists: the dashboard address alone, no first account, no token', async () => {
  addUser(dir.path, 'owner@log.example')
  const server = await start()
  const logged = await messages(server)
  expect(logged.filter((m) => m.startsWith('dashboard: '))).toEqual([`dashboard: http://127.0.0.1:${server.port}/`])
  expect(logged.join('\n')).not.toMatch(/first account|token/)
  await server.stop()
})

test('listening on every interface: localhost; with -public-url: the public URL', async () => {
  const other = tempDataDir()
  cleanups.push(() => other.remove())
  const everywhere = await start(['-http-addr', ':0'], other.path)
  expect(await messages(everywhere)).toContain(`hitring listening on http://localhost:${everywhere.port}`)
  await everywhere.stop()
  const behindProxy = await start(['-public-url', 'https://stats.example.test/'], other.path)
  const logged = await messages(behindProxy)
  expect(logged).toContain('hitring listening on https://stats.example.test')
  expect(logged.find((m) => m.startsWith('dashboard: '))).toMatch(
    /^dashboard: https:\/\/stats\.example\.test\/setup\?token=hru_/,
  )
})
