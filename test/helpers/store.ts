/** Reads a server's LMDB from the test process (LMDB allows readers in other processes). */
import { openStore, type Store } from '../../src/store/open.js'
import { allBlocks, countEvents } from '../../src/store/events.js'

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
