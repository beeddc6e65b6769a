/**
 * Ingest load for fault tests: waves of concurrent `POST /ingest/event`, each event with its own id in
 * `props.i`, so a test can check afterwards exactly which acknowledged events are stored. Durable
 * requests (`X-Hitring-Ack: durable`) are not awaited by their wave: the server parks them until a commit
 * holds their event, which a fault may delay for as long as it lasts.
 */
import { send } from './http.js'

export interface Sent {
  id: number
  durable: boolean
  status: number
  code: string | undefined
}

export interface Flood {
  /** Answers received so far, in order of arrival. */
  answered: Sent[]
  /** Every durable request, settled or not. */
  durable: Array<Promise<Sent>>
  /** Ids of the events answered 202. */
  accepted(): number[]
}

export interface FloodOptions {
  url: string
  siteId: string
  /** Concurrent requests per wave. */
  wave?: number
  /** Every n-th request asks for durable acknowledgement (0: none). */
  durableEvery?: number
  /** Bytes of padding per event, to fill a disk sooner. */
  pad?: number
  /** Stop after the first wave in which this holds for some answer. */
  until(answer: Sent): boolean
  /** Give up (throw) after this many requests. */
  max: number
}

export async function flood(options: FloodOptions): Promise<Flood> {
  const { url, siteId, wave = 40, durableEvery = 0, pad = 1500 } = options
  const answered: Sent[] = []
  const durable: Array<Promise<Sent>> = []
  const one = (id: number, isDurable: boolean): Promise<Sent> =>
    send(`${url}/ingest/event`, {
      body: JSON.stringify({
        site_id: siteId,
        name: 'fill',
        url: `https://fault.example/p/${id % 97}`,
        props: { i: id, pad: 'x'.repeat(pad) },
      }),
      headers: { 'Content-Type': 'application/json', ...(isDurable ? { 'X-Hitring-Ack': 'durable' } : {}) },
    }).then((a) => {
      const sent: Sent = {
        id,
        durable: isDurable,
        status: a.status,
        code: a.status === 202 ? undefined : (JSON.parse(a.text) as { code: string }).code,
      }
      answered.push(sent)
      return sent
    })
  let next = 0
  for (;;) {
    if (next >= options.max)
      throw new Error(`flood: no stop condition after ${next} requests; answers: ${summary(answered)}`)
    const fast: Array<Promise<Sent>> = []
    for (let k = 0; k < wave; k++, next++) {
      const isDurable = durableEvery > 0 && next % durableEvery === 0
      const p = one(next, isDurable)
      if (isDurable) durable.push(p)
      else fast.push(p)
    }
    const done = await Promise.all(fast)
    if (done.some(options.until) || answered.some(options.until)) break
  }
  return { answered, durable, accepted: () => answered.filter((a) => a.status === 202).map((a) => a.id) }
}

/** "202 ×812, 503 storage_unavailable ×40" */
export function summary(answers: Sent[]): string {
  const counts = new Map<string, number>()
  for (const a of answers) {
    const key = a.code ? `${a.status} ${a.code}` : String(a.status)
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(', ')
}
