/** Exit codes, documented in the README ("Exit codes"). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  cancelled: 130,
} as const

export interface CliErrorOptions {
  /** Stable machine-readable code, shown in `--json` error documents. */
  code?: string
  /**
   * The underlying cause in a few words (a provider's refusal, the keychain library's error), so
   * that code rewording the error uses this field instead of taking the message apart.
   */
  detail?: string
  exit?: number
  /** Machine-readable kind for code that handles the error; refines `code` (default: `code`). */
  reason?: string
  /** What the user can do next; appended to the message on the same line. */
  suggestion?: string
}

/**
 * An error the user can cause: rendered as one line, never with a stack trace. Code that handles
 * one decides by `code` or `reason` (and `detail` for rewording), never by its message text.
 */
export class CliError extends Error {
  /** Stable machine-readable code: the `code` of the `--json` error document (docs/scripting.md). */
  readonly code: string
  /** The underlying cause in words, when the message wraps one (see CliErrorOptions.detail). */
  readonly detail?: string
  readonly exit: number
  /** Machine-readable kind for handlers: `code` unless the thrower gave a finer kind within it. */
  readonly reason: string
  readonly suggestion?: string

  constructor(message: string, options: CliErrorOptions = {}) {
    super(message)
    this.name = 'CliError'
    this.code = options.code ?? 'failed'
    this.reason = options.reason ?? this.code
    this.detail = options.detail
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

/** Whether DEBUG asks for llamactl's diagnostics: `*`, `llamactl*`, `llamactl:*`, `llamactl` or `1` among its comma-separated names. */
export function debugEnabled(debug: string | undefined): boolean {
  return (debug ?? '').split(/[\s,]+/).some((name) => name === '*' || name === '1' || /^llamactl(:?\*)?$/.test(name))
}
