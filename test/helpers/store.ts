/** Reads a server's LMDB from the test process (LMDB allows readers in other processes). */
import { openStore, type Store } from '../../src/store/open.js'
import { countEvents } from '../../src/store/events.js'

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
