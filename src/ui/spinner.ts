import {visible} from './terminal-text.js'

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const HIDE_CURSOR = '\u001B[?25l'
const SHOW_CURSOR = '\u001B[?25h'
const CLEAR_LINE = '\r\u001B[2K'

export interface SpinnerStream {
  isTTY?: boolean
  write(chunk: string): boolean
}

/** `m:ss` for a number of seconds. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

/**
 * A one-line spinner on stderr, drawn only when stderr is a terminal (otherwise it stays quiet).
 * `stop` clears the line and shows the cursor again; it also runs if the process exits early,
 * so an interrupted wait never leaves the terminal without a cursor.
 */
export class Spinner {
  private frame = 0
  private timer?: NodeJS.Timeout
  private readonly restoreOnExit = () => this.stop()

  constructor(
    private readonly stream: SpinnerStream,
    private readonly text: () => string,
  ) {}

  get active(): boolean {
    return this.timer !== undefined
  }

  start(): void {
    if (!this.stream.isTTY || this.timer) return
    this.stream.write(HIDE_CURSOR)
    process.once('exit', this.restoreOnExit)
    this.render()
    this.timer = setInterval(() => this.render(), 100)
    this.timer.unref()
  }

  stop(): void {
    if (!this.timer) return
    clearInterval(this.timer)
    this.timer = undefined
    process.removeListener('exit', this.restoreOnExit)
    this.stream.write(CLEAR_LINE + SHOW_CURSOR)
  }

  /** Prints a line above the spinner without garbling it (control characters in it made visible). */
  interrupt(line: string): void {
    if (this.timer) this.stream.write(CLEAR_LINE)
    this.stream.write(`${visible(line)}\n`)
    if (this.timer) this.render()
  }

  private render(): void {
    this.frame = (this.frame + 1) % FRAMES.length
    this.stream.write(`${CLEAR_LINE}${FRAMES[this.frame]} ${visible(this.text())}`)
  }
}
