import {UsageError} from '../errors.js'

export interface Terminal {
  ci: boolean
  stdinIsTTY: boolean
  stdoutIsTTY: boolean
}

/** A command is interactive when stdin and stdout are terminals and CI is unset, unless a flag says otherwise. */
export function isInteractive(flag: boolean | undefined, terminal: Terminal): boolean {
  if (flag !== undefined) return flag
  return terminal.stdinIsTTY && terminal.stdoutIsTTY && !terminal.ci
}

/** The error a non-interactive run gets instead of a prompt: names the flag or argument to pass. */
export function missing(what: string, hint?: string): UsageError {
  return new UsageError(`Missing ${what} (no prompt in non-interactive mode)`, hint)
}
