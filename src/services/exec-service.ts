import {spawn} from 'node:child_process'
import {constants} from 'node:os'
import {isatty} from 'node:tty'

import {CliError} from '../errors.js'

/**
 * The signals passed on to the command: every one whose default action would end this process
 * and leave the command running, orphaned, with the key in its environment (signal(7)). Not
 * SIGKILL and SIGSTOP (no handler can exist), SIGPIPE (Node ignores it), nor SIGSEGV, SIGBUS,
 * SIGFPE and SIGILL (Node can't run a handler for a real fault). SIGUSR1 starts Node's inspector
 * by default; during `auth exec` it goes to the command instead. The platform's own (SIGPWR,
 * SIGSTKFLT on Linux) only where it has them (Windows has few); SIGPOLL is SIGIO's second name.
 */
const FORWARDED = [
  'SIGABRT',
  'SIGALRM',
  'SIGHUP',
  'SIGINT',
  'SIGIO',
  'SIGPROF',
  'SIGPWR',
  'SIGQUIT',
  'SIGSTKFLT',
  'SIGSYS',
  'SIGTERM',
  'SIGTRAP',
  'SIGUSR1',
  'SIGUSR2',
  'SIGVTALRM',
  'SIGXCPU',
  'SIGXFSZ',
].filter((signal) => signal in constants.signals) as NodeJS.Signals[]
/** Those a terminal sends to its whole foreground group itself (Ctrl-C, Ctrl-\). */
const FROM_TERMINAL = new Set<NodeJS.Signals>(['SIGINT', 'SIGQUIT'])

/**
 * Runs `argv` with `variables` set (null: removed; in every spelling of the name) on top of `env`, stdin, stdout and stderr
 * passed through, and resolves with its exit status: its own, or 128 + the number of the
 * signal that killed it. Every signal that would end this process (FORWARDED: SIGTERM, SIGHUP, a
 * closed terminal, SIGUSR1, SIGUSR2, SIGALRM, …) is forwarded to it while it runs (without a
 * handler it would end this process and leave the command running, orphaned, with the key in
 * its environment). SIGINT and SIGQUIT only when no standard stream is a
 * terminal, because Ctrl-C and Ctrl-\ in a terminal already reach every process of the
 * foreground group, the command included, and a second one would be a different request to many
 * programs. A command that can't be started is exit 127.
 */
export async function runWithVariables(argv: string[], variables: ReadonlyArray<readonly [string, null | string]>, env: NodeJS.ProcessEnv): Promise<number> {
  const childEnv = {...env}
  for (const [name, value] of variables) {
    // Every spelling goes: the Python llamactl reads these names in any case (variables.ts).
    for (const key of Object.keys(childEnv)) if (key.toLowerCase() === name.toLowerCase()) delete childEnv[key]
    if (value !== null) childEnv[name] = value
  }

  const [command, ...args] = argv
  const terminal = [0, 1, 2].some((fd) => isatty(fd))
  return new Promise((resolve, reject) => {
    // The handlers go in before the command starts: once it runs, it can print and be signalled
    // while this process has not yet been scheduled again; a handler runs from the event loop,
    // after this function, when `child` is set. They also keep this process alive until it ends.
    const started: {child?: ReturnType<typeof spawn>} = {}
    const forward = (signal: NodeJS.Signals) => {
      const {child} = started
      if (child && child.exitCode === null && child.signalCode === null && !(terminal && FROM_TERMINAL.has(signal))) child.kill(signal)
    }

    const handlers = FORWARDED.map((signal) => [signal, () => forward(signal)] as const)
    for (const [signal, handler] of handlers) process.on(signal, handler)
    const child = spawn(command, args, {env: childEnv, stdio: 'inherit'})
    started.child = child
    const done = () => {
      for (const [signal, handler] of handlers) process.removeListener(signal, handler)
    }

    child.on('error', (error: NodeJS.ErrnoException) => {
      done()
      const why = error.code === 'ENOENT' ? 'not found' : error.code === 'EACCES' ? 'permission denied' : (error.code ?? error.message)
      reject(
        new CliError(`Could not start ${JSON.stringify(command)} (${why})`, {
          code: 'command_not_started',
          exit: 127,
          suggestion: 'Check the command name and PATH',
        }),
      )
    })
    child.on('exit', (code, signal) => {
      done()
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0))
    })
  })
}
