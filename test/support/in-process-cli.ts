import {Config, Errors, Plugin, run, settings} from '@oclif/core'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {Readable} from 'node:stream'

import type {CliResult, RunOptions} from './cli.js'
import {ROOT} from './cli.js'

/**
 * The CLI run in the test process, on src/ (no build): oclif's own `run` (argv to command id,
 * help, version, hooks) over a Config whose commands, hooks and help class are the TypeScript
 * sources, which this process loads through tsx. The result has the shape of a child's
 * (`runCli`): what the command wrote to stdout and stderr, and the exit code bin/run.js would
 * give. The environment, stdin, the working directory and the config dir are the run's own and
 * put back after it.
 *
 * One run at a time per process (runs are queued): a run owns process.env, process.stdin, the
 * working directory and the two output streams while it lasts. What only a real process shows (a signal, a tty, the
 * `#!` line, the start-up cost) stays in the e2e lane, through `runCli`.
 */
export async function runInProcess(args: string[], options: RunOptions = {}): Promise<CliResult> {
  if (options.shebang) throw new Error('runInProcess: the #! line needs a real process (runCli)')
  const previous = queue
  let release!: () => void
  queue = new Promise<void>((resolve) => (release = resolve))
  await previous
  try {
    return await runNow(args, options)
  } finally {
    release()
  }
}

let queue: Promise<void> = Promise.resolve()
let pjsonOfSources: Record<string, unknown> | undefined

/** package.json with src/ in place of dist/ for the commands, the hooks and the help class. */
function sourcePjson(): Record<string, unknown> & {oclif: Record<string, unknown>} {
  if (!pjsonOfSources) {
    const pjson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
    pjson.oclif = {
      ...pjson.oclif,
      commands: {...pjson.oclif.commands, target: './src/commands'},
      helpClass: './src/help.ts',
      hooks: Object.fromEntries(
        Object.entries(pjson.oclif.hooks as Record<string, string>).map(([name, file]) => [name, `${file.replace(/^\.\/dist\//, './src/')}.ts`]),
      ),
    }
    pjsonOfSources = pjson
  }

  return pjsonOfSources as Record<string, unknown> & {oclif: Record<string, unknown>}
}

/**
 * The plugin's Config on src/: its commands found in src/commands and never read from an
 * oclif.manifest.json a build left behind (that one names dist/), plus plugin-help as the CLI
 * has it. A new one for each run: oclif's help leaves a Config it used unable to find commands,
 * and a new one costs milliseconds once the modules are loaded.
 */
export async function sourceConfig(): Promise<Config> {
  // tsx already loads src/ here; oclif's own ts-node/tsx path mapping would look for build/tsc.
  settings.enableAutoTranspile = false
  const pjson = sourcePjson()
  const plugins = [
    new Plugin({ignoreManifest: true, isRoot: true, pjson: pjson as never, root: ROOT}),
    new Plugin({root: path.join(ROOT, 'node_modules', '@oclif', 'plugin-help'), type: 'core'}),
  ]
  await Promise.all(plugins.map((plugin) => plugin.load()))
  return Config.load({pjson: pjson as never, plugins: new Map(plugins.map((plugin) => [plugin.name, plugin])), root: ROOT})
}

async function runNow(args: string[], options: RunOptions): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {CI: undefined, ...options.env}
  const savedEnv: NodeJS.ProcessEnv = {}
  const restoreEnv = () => {
    for (const [name, value] of Object.entries(savedEnv))
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
  }

  for (const [name, value] of Object.entries(env)) {
    savedEnv[name] = process.env[name]
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }

  // Loaded with the run's environment: its configDir is the run's LLAMACTL_CONFIG_DIR, as in a child.
  const config = await sourceConfig().catch((error) => {
    restoreEnv()
    throw error
  })
  const cwd = process.cwd()
  if (options.cwd) process.chdir(options.cwd)
  // stdin: the given input, then end (a pipe, as runCli gives the child); never a terminal.
  const stdin = Object.assign(Readable.from(options.input ? [Buffer.from(options.input)] : []), {isTTY: undefined, setRawMode: undefined})
  const stdinDescriptor = Object.getOwnPropertyDescriptor(process, 'stdin')!
  Object.defineProperty(process, 'stdin', {configurable: true, enumerable: true, value: stdin})
  const ttys = {stderr: process.stderr.isTTY, stdout: process.stdout.isTTY}
  process.stdout.isTTY = false
  process.stderr.isTTY = false
  const output = {stderr: '', stdout: ''}
  const writes = {stderr: process.stderr.write, stdout: process.stdout.write}
  const capture = (name: 'stderr' | 'stdout') =>
    function (chunk: string | Uint8Array, encodingOrCallback?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void) {
      output[name] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
      const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback
      if (done) process.nextTick(done)
      return true
    } as typeof process.stdout.write
  process.stdout.write = capture('stdout')
  process.stderr.write = capture('stderr')
  const exitCodeBefore = process.exitCode
  process.exitCode = undefined
  let code = 0
  let timer: NodeJS.Timeout | undefined
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`runInProcess: llamactl ${args.join(' ')} ran over ${options.timeoutMs ?? 20_000} ms`)),
        options.timeoutMs ?? 20_000,
      )
    })
    await Promise.race([run(args, config), timeout])
    code = Number(process.exitCode ?? 0)
  } catch (error) {
    const failure = error as Error & {code?: string; oclif?: {exit?: number}; skipOclifErrorHandling?: boolean}
    if (failure.message.startsWith('runInProcess:')) throw failure
    // As oclif's handle() in bin/run.js: print what isn't an exit (here its message only), exit with its code.
    if (!(failure instanceof Errors.ExitError) && !failure.skipOclifErrorHandling && failure.code !== 'EEXIT') {
      output.stderr += `Error: ${failure.message}\n`
    }
    code = failure.oclif?.exit ?? 1
  } finally {
    clearTimeout(timer)
    process.stdout.write = writes.stdout
    process.stderr.write = writes.stderr
    process.stdout.isTTY = ttys.stdout
    process.stderr.isTTY = ttys.stderr
    Object.defineProperty(process, 'stdin', stdinDescriptor)
    process.exitCode = exitCodeBefore
    restoreEnv()
    process.chdir(cwd)
  }

  return {code, signal: null, stderr: output.stderr, stdout: output.stdout}
}
