import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { messageOf, SessionFormatError } from './errors'
import { loadSession } from './load'
import { type ReplayConfig, replaySession } from './replay'
import { formatReplay } from './report'

export const USAGE = `Usage: strata replay <file.session.json>... --config <module> [--mode events|commands]

  Replays recorded sessions with today's code and prints the compatibility report and every
  divergence. The config module's default export (or its export named \`config\`) is the replay
  config { reducer, commands?, events?, mode?, immer? }, or a function returning it.

Exit code: 0 every session replays, 1 a divergence or a compatibility problem, 2 bad usage or a
file that cannot be loaded.`

export interface CliIo {
  out(text: string): void
  err(text: string): void
  cwd: string
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  cwd: process.cwd(),
}

/** Runs `strata <argv>`; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let args: ReturnType<typeof parse>
  try {
    args = parse(argv)
  } catch (error) {
    io.err(`[strata] ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`)
    return 2
  }
  if (args.values.help) {
    io.out(USAGE)
    return 0
  }
  const [command, ...files] = args.positionals
  const problem =
    command !== 'replay'
      ? `Unknown command ${JSON.stringify(command ?? '')}: the one command is \`replay\`.`
      : files.length === 0
        ? 'Name at least one session file to replay.'
        : args.values.config === undefined
          ? 'Pass --config <module>, the module exporting the replay config.'
          : undefined
  if (problem) {
    io.err(`[strata] ${problem}\n\n${USAGE}`)
    return 2
  }
  let config: ReplayConfig
  try {
    config = await loadConfig(resolve(io.cwd, args.values.config!))
  } catch (error) {
    io.err(
      `[strata] Cannot load the config module ${args.values.config}: ${error instanceof Error ? error.message : String(error)}`,
    )
    return 2
  }
  const mode = args.values.mode
  if (mode !== undefined) config = { ...config, mode: mode as 'events' | 'commands' }
  let code = 0
  for (const file of files) code = Math.max(code, replayFile(file, config, io))
  return code
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      mode: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

async function loadConfig(path: string): Promise<ReplayConfig> {
  const module = await import(pathToFileURL(path).href)
  let config = module.default ?? module.config
  if (typeof config === 'function') config = await config()
  if (typeof config !== 'object' || config === null || typeof config.reducer !== 'function') {
    throw new TypeError(
      'it must export (as default, or as `config`) an object { reducer, commands?, events?, mode? }, or a function returning one.',
    )
  }
  return config
}

function replayFile(file: string, config: ReplayConfig, io: CliIo): number {
  let text: string
  try {
    text = readFileSync(resolve(io.cwd, file), 'utf8')
  } catch (error) {
    io.err(`[strata] Cannot read ${file}: ${messageOf(error)}`)
    return 2
  }
  try {
    const session = loadSession(text)
    const result = replaySession(session, config)
    io.out(formatReplay(session, result, file))
    return result.ok ? 0 : 1
  } catch (error) {
    io.err(error instanceof SessionFormatError ? `${file}: ${error.message}` : messageOf(error))
    return 2
  }
}
