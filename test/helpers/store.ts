/** Reads a server's LMDB from the test process (LMDB allows readers in other processes). */
import { openStore, type Store } from '../../src/store/open.js'
import { allBlocks, countEvents, type Props } from '../../src/store/events.js'
import { StringKind, stringOf } from '../../src/store/strings.js'

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
    for (const { block } of allBlocks(store)) for (const e of block.e) if (e[6] && key in e[6]) values.push(e[6][key]!)
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
      .flatMap(({ block }) => block.e.map((e) => ({ e, t: block.t0 + e[0] })))
      .sort((a, b) => a.t - b.t)
      .map(({ e }) => ({
        kind: e[1],
        name: e[1] === 0 ? 'pageview' : str(StringKind.EVENT_NAME, e[2]),
        path: str(StringKind.PATH, e[3]),
        query: e[4],
        referrer: e[5],
        props: e[6],
        session: e[7],
        source: str(StringKind.SOURCE, e[14]),
        referrerHost: str(StringKind.REFERRER_HOST, e[15]),
        utmSource: str(StringKind.UTM, e[16]),
        utmMedium: str(StringKind.UTM, e[17]),
        utmCampaign: str(StringKind.UTM, e[18]),
        screen: str(StringKind.SCREEN, e[13]),
      }))
  })
}
