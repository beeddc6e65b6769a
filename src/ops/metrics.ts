/**
 * Counters and histograms for `GET /metrics` (Prometheus text format 0.0.4). Updated on the main
 * thread only (workers report through their task results), so plain numbers suffice.
 * @module
 */

type Labels = Record<string, string>

function labelText(labels: Labels | undefined): string {
  if (!labels) return ''
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  )
  return parts.length ? `{${parts.join(',')}}` : ''
}

export class Counter {
  readonly #values = new Map<string, { labels?: Labels; value: number }>()
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels?: Labels, by = 1): void {
    this.#entry(labels).value += by
  }

  /** A pre-bound series, for hot paths: no label text is built per increment. */
  with(labels: Labels): { inc(by?: number): void } {
    const entry = this.#entry(labels)
    return {
      inc(by = 1) {
        entry.value += by
      },
    }
  }

  #entry(labels: Labels | undefined): { labels?: Labels; value: number } {
    const key = labelText(labels)
    let entry = this.#values.get(key)
    if (!entry) this.#values.set(key, (entry = { labels, value: 0 }))
    return entry
  }

  get(labels?: Labels): number {
    return this.#values.get(labelText(labels))?.value ?? 0
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`]
    if (this.#values.size === 0) lines.push(`${this.name} 0`)
    for (const { labels, value } of this.#values.values()) lines.push(`${this.name}${labelText(labels)} ${value}`)
    return lines.join('\n')
  }
}

export class Gauge {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => Array<{ labels?: Labels; value: number }>,
  ) {}

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`]
    for (const { labels, value } of this.read()) lines.push(`${this.name}${labelText(labels)} ${value}`)
    return lines.join('\n')
  }
}

export class Histogram {
  readonly #counts: number[]
  #sum = 0
  #count = 0
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {
    this.#counts = buckets.map(() => 0)
  }

  observe(v: number): void {
    this.#sum += v
    this.#count++
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]!) this.#counts[i]!++
  }

  get count(): number {
    return this.#count
  }

  get sum(): number {
    return this.#sum
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`]
    for (const [i, b] of this.buckets.entries()) lines.push(`${this.name}_bucket{le="${b}"} ${this.#counts[i]}`)
    lines.push(
      `${this.name}_bucket{le="+Inf"} ${this.#count}`,
      `${this.name}_sum ${this.#sum}`,
      `${this.name}_count ${this.#count}`,
    )
    return lines.join('\n')
  }
}

export class Registry {
  readonly #items: Array<Counter | Gauge | Histogram> = []

  counter(name: string, help: string): Counter {
    return this.#add(new Counter(name, help))
  }

  gauge(name: string, help: string, read: () => Array<{ labels?: Labels; value: number }>): Gauge {
    return this.#add(new Gauge(name, help, read))
  }

  histogram(name: string, help: string, buckets: number[]): Histogram {
    return this.#add(new Histogram(name, help, buckets))
  }

  #add<T extends Counter | Gauge | Histogram>(item: T): T {
    this.#items.push(item)
    return item
  }

  render(): string {
    return `${this.#items.map((i) => i.render()).join('\n')}\n`
  }
}
