import {UsageError} from '../errors.js'

export interface Terminal {
  ci: boolean
  /** TERM=dumb: a terminal that can't draw a prompt. */
  dumbTerminal?: boolean
  stdinIsTTY: boolean
  stdoutIsTTY: boolean
}

/** A command is interactive when stdin and stdout are terminals, CI is unset and TERM isn't dumb, unless a flag says otherwise. */
export function isInteractive(flag: boolean | undefined, terminal: Terminal): boolean {
  if (flag !== undefined) return flag
  return terminal.stdinIsTTY && terminal.stdoutIsTTY && !terminal.ci && !terminal.dumbTerminal
}

/** The error a non-interactive run gets instead of a prompt: names the flag or argument to pass. */
export function missing(what: string, hint?: string): UsageError {
  return new UsageError(`Missing ${what} (no prompt in non-interactive mode)`, hint)
}
