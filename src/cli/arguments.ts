/**
 * Positional arguments a command does not take are refused, never ignored: a flag that lost its dash, or
 * that npm took for itself, must not start a server that quietly runs with the defaults.
 *
 * `npm start -ingest-rate 2 -ingest-burst 3` (without `--`) hands the server `serve 2 3`: npm reads
 * `-ingest-rate` and `-ingest-burst` as settings of its own, exports them to the script as
 * `npm_config_ingest_rate=true` and `npm_config_ingest_burst=true`, and leaves their values behind as
 * arguments (`npm start -ingest-rate=2` leaves nothing behind at all). From those variables and the
 * left-over arguments, {@link npmHint} rebuilds the command that was meant, with `--`, and its
 * environment form. npm's own process title hides the original order of the flags, and its variables
 * are in no particular order, so when several flags lost their values the pairing is the first, in the
 * order of `hitring --help`, in which every value is valid for its flag — said to be "likely" when
 * another pairing would be valid too (https://docs.npmjs.com/cli/v10/using-npm/scripts#environment — "npm_config_"
 * variables; https://docs.npmjs.com/cli/v10/commands/npm-run-script — "use -- to pass flags to the script").
 * @module
 */
import { ConfigError } from '../config/load.js'
import { OPTIONS, configSchema, type OptionDef } from '../config/options.js'

/** Refuses the arguments past the first `allowed` ones: one line naming the first, and the usage. */
export function refuseExtraArguments(rest: readonly string[], allowed: number, usage: string): void {
  if (rest.length > allowed)
    throw new ConfigError(`unexpected argument ${JSON.stringify(rest[allowed])}: flags start with - (${usage})`)
}

/** A flag of ours that npm took as its own setting: its name as typed, and its value when npm kept one. */
interface Taken {
  name: string
  option: OptionDef
  /** Null when npm took the flag alone (`-ingest-rate 2`: the value stayed behind as an argument). */
  value: string | null
}

function takenByNpm(env: NodeJS.ProcessEnv): Taken[] {
  const taken: Taken[] = []
  for (const option of OPTIONS as readonly OptionDef[]) {
    for (const name of [option.flag, ...(option.aliases ?? [])]) {
      const value = env[`npm_config_${name.replaceAll('-', '_')}`]
      if (value === undefined) continue
      taken.push({ name, option, value: value === 'true' && !option.boolean ? null : value })
      break
    }
  }
  return taken
}

const validFor = (option: OptionDef, value: string): boolean =>
  (configSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>)[option.flag]!.safeParse(value)
    .success

/** The orders of `items` (at most 6! = 720), the identity first. */
function* permutations<T>(items: readonly T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield [...items]
    return
  }
  for (let i = 0; i < items.length; i++) {
    for (const tail of permutations([...items.slice(0, i), ...items.slice(i + 1)])) yield [items[i]!, ...tail]
  }
}

/**
 * Flags without values paired with the left-over arguments in order, and whether another pairing was
 * valid too; null when no pairing is.
 */
function pair(alone: readonly Taken[], rest: readonly string[]): { flags: Taken[]; unique: boolean } | null {
  if (alone.length !== rest.length || alone.length === 0 || alone.length > 6) return null
  let first: Taken[] | null = null
  for (const order of permutations(alone)) {
    if (!order.every((t, i) => validFor(t.option, rest[i]!))) continue
    if (first !== null) return { flags: first, unique: false }
    first = order.map((t, i) => ({ ...t, value: rest[i]! }))
  }
  return first && { flags: first, unique: true }
}

const shellWord = (s: string): string => (/^[\w.,:/@%+=-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`)

/**
 * How `serve` was meant to be started when npm took its flags — `npm start -- <flags>`, and the same in
 * environment variables — or how to pass flags through npm; null when not run by npm.
 */
function npmHint(rest: readonly string[], taken: readonly Taken[], env: NodeJS.ProcessEnv): string | null {
  const script = env.npm_lifecycle_event
  if (script === undefined || !startedByNpm(env)) return null // run by hand, or by something else under npm
  const npmRun = script === 'start' ? 'npm start' : `npm run ${shellWord(script)}`
  const alone = taken.filter((t) => t.value === null)
  const paired = alone.length === 0 && rest.length === 0 ? { flags: [], unique: true } : pair(alone, rest)
  if (taken.length === 0 || paired === null) {
    return (
      `with npm, put the flags after --: ${npmRun} -- -flag value; or use the environment, such as ` +
      `HITKEEP_INGEST_RATE_LIMIT=2 ${npmRun}; see hitring --help`
    )
  }
  const flags = [...paired.flags, ...taken.filter((t) => t.value !== null)]
  const argv = flags.map((t) =>
    t.option.boolean
      ? t.value === 'true'
        ? `-${t.name}`
        : `-${t.name}=${t.value}`
      : `-${t.name} ${shellWord(t.value!)}`,
  )
  const envForm = flags.map((t) => `${t.option.env}=${shellWord(t.value!)}`)
  return (
    `with npm, put them after --: ${paired.unique ? '' : 'likely '}${npmRun} -- ${argv.join(' ')}; or use ` +
    `the environment: ${envForm.join(' ')} ${npmRun}`
  )
}

/**
 * Whether npm's script runs `serve` itself (`npm start`: "node dist/cli.js serve"). A server started by
 * something else under npm — a test under `npm test` — inherits npm's variables, which are not its own.
 */
const startedByNpm = (env: NodeJS.ProcessEnv): boolean => /\bserve\b/.test(env.npm_lifecycle_script ?? '')

const list = (names: string[]): string =>
  names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`

/**
 * `serve` takes flags only. A left-over argument, or a flag of ours that npm took (`npm start -flag`
 * without `--`), stops it with one line that says what was meant.
 */
export function refuseServeArguments(rest: readonly string[], env: NodeJS.ProcessEnv): void {
  const taken = startedByNpm(env) ? takenByNpm(env) : []
  if (rest.length === 0 && taken.length === 0) return
  const hint = npmHint(rest, taken, env) ?? 'hitring serve takes only flags; see hitring --help'
  const lost = `npm took ${list(taken.map((t) => `-${t.name}`))} for its own settings`
  if (rest.length === 0) throw new ConfigError(`${lost} (${hint})`)
  throw new ConfigError(
    `unexpected argument ${JSON.stringify(rest[0])}: flags start with - ` +
      `(${taken.length > 0 ? `${lost}; ` : ''}${hint})`,
  )
}
