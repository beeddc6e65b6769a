/**
 * What the whole app shares: the signed-in user, their sites (loaded once, refreshed after a change), and
 * whether the server still waits for its first user (told by the HTML shell, as the API would tell
 * anyone who tried `POST /api/initial-user`).
 * @module
 */
import { api, ApiError } from './api.js'
import { win } from './dom.js'
import type { Site, User } from './types.js'

const shellSays = (name: string) => win.document.querySelector(`meta[name="hitring-${name}"]`)?.getAttribute('content')

export const state: { me: User | null; sites: Site[] | null; setupNeeded: boolean } = {
  me: null,
  sites: null,
  setupNeeded: shellSays('setup') === 'needed',
}

/**
 * Whether the page was loaded with a live login session, as the HTML shell says: the cookie is HttpOnly,
 * so only the server can tell. Without one nobody is signed in, and the app does not ask `GET /api/me`,
 * whose 401 every browser would log as a console error on each signed-out page load.
 */
export const sessionAtLoad = shellSays('session') !== 'none'

/** Who is signed in (null: nobody). Other failures are thrown: shown, never taken for "signed out". */
export async function loadMe(): Promise<User | null> {
  try {
    state.me = await api.me()
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) state.me = null
    else throw err
  }
  return state.me
}

export async function loadSites(force = false): Promise<Site[]> {
  if (!state.sites || force) state.sites = await api.sites()
  return state.sites
}

export function forgetSession(): void {
  state.me = null
  state.sites = null
}
