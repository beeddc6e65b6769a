/**
 * Reads the configuration from flags and environment, validates it once with zod, and explains every
 * problem precisely. Flags are Go-style like HitKeep's: `-name value`, `-name=value`, `--name value`.
 * @module
 */
import { OPTIONS, configSchema, toConfig, type Config, type OptionDef } from './options.js'

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export interface LoadResult {
  config: Config
  /** Positional arguments left after the flags. */
  rest: string[]
}

function findOption(name: string): OptionDef | undefined {
  return (OPTIONS as readonly OptionDef[]).find((o) => o.flag === name || o.aliases?.includes(name))
}

/** Parses `-flag value` pairs out of `argv`. Throws ConfigError on an unknown flag or a missing value. */
export function parseFlags(argv: string[]): { flags: Map<string, string>; rest: string[]; help: boolean } {
  const flags = new Map<string, string>()
  const rest: string[] = []
  let help = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '-h' || arg === '-help' || arg === '--help') {
      help = true
      continue
    }
    if (!arg.startsWith('-') || arg === '-') {
      rest.push(arg)
      continue
    }
    const body = arg.replace(/^--?/, '')
    const eq = body.indexOf('=')
    const name = eq >= 0 ? body.slice(0, eq) : body
    const opt = findOption(name)
    if (!opt) throw new ConfigError(`unknown flag ${arg} (see --help)`)
    let value: string | undefined
    if (eq >= 0) value = body.slice(eq + 1)
    else if (opt.boolean && (i + 1 >= argv.length || !/^(true|false|1|0)$/.test(argv[i + 1]!))) value = 'true'
    else if (i + 1 < argv.length) value = argv[++i]
    if (value === undefined) throw new ConfigError(`flag -${name} needs a value`)
    flags.set(opt.flag, value)
  }
  return { flags, rest, help }
}

/** default < environment < flag. Empty environment values count as unset (HitKeep does the same). */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): LoadResult & { help: boolean } {
  const { flags, rest, help } = parseFlags(argv)
  const raw: Record<string, string> = {}
  for (const o of OPTIONS) {
    const fromEnv = env[o.env]
    raw[o.flag] = flags.get(o.flag) ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : o.default)
  }
  const parsed = configSchema.safeParse(raw)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const o = OPTIONS.find((x) => x.flag === issue.path[0])
      const where = o ? `-${o.flag} / ${o.env} (${JSON.stringify(raw[o.flag])})` : String(issue.path[0])
      return `  ${where}: ${issue.message}`
    })
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`)
  }
  return { config: toConfig(parsed.data), rest, help }
}

export function helpText(): string {
  const rows = OPTIONS.map((o) => {
    const names = [`-${o.flag}`, ...(('aliases' in o ? o.aliases : []) as string[]).map((a) => `-${a}`)].join(', ')
    return (
      `  ${names}\n      ${o.help}\n      env ${o.env}; default ` +
      `${o.default === '' ? '(see above)' : JSON.stringify(o.default)}`
    )
  })
  return [
    "hitring — privacy-first web analytics that speaks HitKeep's API",
    '',
    'Usage:',
    '  hitring serve [flags]             run the server (npm start)',
    '  hitring site add <domain> [-timezone Area/City] [-owner email]',
    '                                    register a site and print its id; it belongs to -owner, else to the',
    '                                    first user (once one exists)',
    '  hitring site list                 list the sites: tab-separated, under a header row',
    '  hitring site filters <domain|id> [--exclude-ips CIDR,…] [--allowed-hostnames host,*.host,…]',
    '                                    set the IPs whose events are dropped and the hostnames that count',
    '  hitring user add --email E --password P   create a user (the first one owns every site)',
    '  hitring setup-url                 print a new one-time link that creates the first account (the link in',
    '                                    the start-up log, and any earlier one, stop working); exit code 1 once',
    '                                    a user exists. Takes the -data-path, -public-url and -http-addr of the server',
    '  hitring verify                    recount every rollup from the raw events and compare',
    '',
    'Flags (precedence: default < environment < flag):',
    ...rows,
  ].join('\n')
}
