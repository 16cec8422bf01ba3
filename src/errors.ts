/** Exit codes, documented in the README. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  cancelled: 130,
} as const

export interface CliErrorOptions {
  /** Stable machine-readable code, shown in `--json` error documents. */
  code?: string
  exit?: number
  /** What the user can do next; appended to the message on the same line. */
  suggestion?: string
}

/** An error the user can cause: rendered as one line, never with a stack trace. */
export class CliError extends Error {
  readonly code: string
  readonly exit: number
  readonly suggestion?: string

  constructor(message: string, options: CliErrorOptions = {}) {
    super(message)
    this.name = 'CliError'
    this.code = options.code ?? 'failed'
    this.exit = options.exit ?? ExitCode.failure
    this.suggestion = options.suggestion
  }

  /** The whole line a person sees after `Error: `. */
  get line(): string {
    return this.suggestion ? `${this.message}. ${this.suggestion}` : this.message
  }
}

/** A missing or wrong flag or argument: exit 2. */
export class UsageError extends CliError {
  constructor(message: string, suggestion?: string) {
    super(message, {code: 'usage', exit: ExitCode.usage, suggestion})
    this.name = 'UsageError'
  }
}

/** The user pressed Ctrl-C (or Esc) at a prompt or during a wait. */
export class CancelledError extends CliError {
  constructor() {
    super('Cancelled', {code: 'cancelled', exit: ExitCode.cancelled})
    this.name = 'CancelledError'
  }
}
