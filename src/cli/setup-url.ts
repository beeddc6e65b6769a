/**
 * `hitring setup-url`: the set-up link again, for an operator who lost the start-up log. Only the hash of
 * the token is stored, so this makes a NEW token (and says that the links printed before stop working).
 * It works while the server runs: LMDB lets this process write beside it, and the server reads the hash
 * on every attempt. Once a user exists there is nothing to set up: it says where to sign in, exit code 1.
 * @module
 */
import { ConfigError, loadConfig } from '../config/load.js'
import { openStore, type Store } from '../store/index.js'
import { issueSetupTokenInTransaction, newSetupToken, setupLink } from '../accounts/setup-token.js'
import { tokenHash } from '../accounts/tokens.js'
import { refuseExtraArguments } from './arguments.js'

const SETUP_URL_USAGE = 'usage: hitring setup-url [-data-path DIR] [-public-url URL] [-http-addr [host]:port]'

export async function setupUrl(argv: string[]): Promise<void> {
  const { config, rest } = loadConfig(argv)
  refuseExtraArguments(rest, 0, SETUP_URL_USAGE)
  let store: Store
  try {
    // Not created when missing: a link into an empty store that no server reads would only mislead.
    store = openStore({ path: config.dataPath, create: false })
  } catch {
    throw new ConfigError(
      `there is no store at ${config.dataPath}: start the server with hitring serve (it prints the set-up link), ` +
        `or pass its -data-path`,
    )
  }
  const token = newSetupToken()
  let issued: boolean
  try {
    issued = store.env.transactionSync(() => issueSetupTokenInTransaction(store, tokenHash(token)))
  } finally {
    await store.close()
  }
  if (!issued) {
    console.error(`hitring: setup is complete; sign in at ${config.publicUrl}/login`)
    process.exitCode = 1
    return
  }
  // The link alone on standard output (for scripts); the explanation on standard error.
  console.log(setupLink(config.publicUrl, token))
  console.error(
    'hitring: open this link to create the first account (it works once). This is a new link: the ones printed ' +
      'before, by hitring serve or an earlier hitring setup-url, no longer work.',
  )
}
