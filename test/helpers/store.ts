/** Reads a server's LMDB from the test process (LMDB allows readers in other processes). */
import { openStore, type Store } from '../../src/store/open.js'
import { allBlocks, countEvents, type Props } from '../../src/store/events.js'
import { StringKind, stringOf } from '../../src/store/strings.js'
import { waitFor } from './server.js'

export function withStore<T>(dataPath: string, read: (store: Store) => T): T {
  const store = openStore({ path: dataPath })
  try {
    store.env.resetReadTxn()
    return read(store)
  } finally {
    void store.env.close()
  }
}

export const storedEventCount = (dataPath: string) => withStore(dataPath, countEvents)

/** The value of prop `key` of every stored event that has it (to check which acknowledged events are there). */
export function storedPropValues(dataPath: string, key: string): Array<string | number | boolean> {
  return withStore(dataPath, (store) => {
    const values: Array<string | number | boolean> = []
    for (const { block } of allBlocks(store))
      for (const e of block.e) if (e.props && key in e.props) values.push(e.props[key]!)
    return values
  })
}

/** One stored raw event, its interned strings resolved. */
export interface StoredRow {
  kind: 0 | 1
  /** `pageview` for pageviews. */
  name: string
  path: string
  query: string
  referrer: string
  props: Props | null
  /** The session's number: equal for events of one visit. */
  session: number
  source: string
  referrerHost: string
  utmSource: string
  utmMedium: string
  utmCampaign: string
  screen: string
}

/** Every raw event stored, oldest first. */
export function storedEvents(dataPath: string): StoredRow[] {
  return withStore(dataPath, (store) => {
    const str = (kind: number, id: number) => stringOf(store, kind, id) ?? ''
    return [...allBlocks(store)]
      .flatMap(({ block }) => block.e.map((e) => ({ e, t: block.t0 + e.dt })))
      .sort((a, b) => a.t - b.t)
      .map(({ e }) => ({
        kind: e.kind,
        name: e.kind === 0 ? 'pageview' : str(StringKind.EVENT_NAME, e.nameId),
        path: str(StringKind.PATH, e.pathId),
        query: e.query,
        referrer: e.referrer,
        props: e.props,
        session: e.sessionNo,
        source: str(StringKind.SOURCE, e.sourceId),
        referrerHost: str(StringKind.REFERRER_HOST, e.referrerHostId),
        utmSource: str(StringKind.UTM, e.utmSourceId),
        utmMedium: str(StringKind.UTM, e.utmMediumId),
        utmCampaign: str(StringKind.UTM, e.utmCampaignId),
        screen: str(StringKind.SCREEN, e.screenId),
      }))
  })
}

/** Waits (bounded, 5 s) until `count` stored events match, and returns them; `what` names them if they never do. */
export async function waitStored(
  dataPath: string,
  match: (e: StoredRow) => boolean,
  count: number,
  what: string,
): Promise<StoredRow[]> {
  let found: StoredRow[] = []
  await waitFor(() => (found = storedEvents(dataPath).filter(match)).length >= count, 5000, what)
  return found
}
