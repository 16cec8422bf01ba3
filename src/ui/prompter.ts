import type {Readable, Writable} from 'node:stream'

import {CancelledError} from '../errors.js'
import {visible} from './terminal-text.js'

export interface Choice<T> {
  /** What the user sees. */
  label: string
  value: T
}

/** Everything the commands ask a person. Only used when the command is interactive. */
export interface Prompter {
  input(message: string, options?: {initial?: string}): Promise<string>
  password(message: string): Promise<string>
  select<T>(message: string, choices: Choice<T>[], options?: {initial?: number}): Promise<T>
}

/** What enquirer's select prompt is, as far as our `format` reads it. */
interface SelectState {
  selected?: {message: string}
  state: {cancelled: boolean; submitted: boolean}
  styles: {primary: (text: string) => string}
}

export interface PromptStreams {
  stdin?: Readable
  stdout?: Writable
}

/**
 * Prompts through enquirer, loaded on first use. Prompts are drawn on stderr so that
 * stdout stays data only; Ctrl-C or Esc becomes a CancelledError (exit 130). Questions and
 * choice labels (project names from the server, profile names) are drawn with control
 * characters made visible.
 */
export class EnquirerPrompter implements Prompter {
  constructor(private readonly streams: PromptStreams = {}) {}

  async input(message: string, options: {initial?: string} = {}): Promise<string> {
    return this.ask<string>({initial: options.initial, message, type: 'input'})
  }

  async password(message: string): Promise<string> {
    return this.ask<string>({message, type: 'password'})
  }

  async select<T>(message: string, choices: Choice<T>[], options: {initial?: number} = {}): Promise<T> {
    const names = choices.map((_, i) => String(i))
    const picked = await this.ask<string>({
      choices: choices.map((c, i) => ({message: visible(c.label), name: names[i]})),
      // Once answered, enquirer shows the choice's name, here its index: show its label instead.
      format(this: SelectState) {
        return this.state.submitted && !this.state.cancelled && this.selected ? this.styles.primary(this.selected.message) : ''
      },
      initial: options.initial ?? 0,
      message,
      type: 'select',
    })
    return choices[Number(picked)].value
  }

  private async ask<T>(question: Record<string, unknown>): Promise<T> {
    const {default: Enquirer} = await import('enquirer')
    const enquirer = new Enquirer<{answer: T}>({
      stdin: this.streams.stdin ?? process.stdin,
      stdout: this.streams.stdout ?? process.stderr,
    } as object)
    const restore = keepReadlineOpenOnCtrlC()
    try {
      const message = visible(String(question.message))
      const {answer} = await enquirer.prompt({...question, message, name: 'answer'} as never)
      return answer
    } catch (error) {
      // enquirer rejects with an empty value when the prompt is cancelled.
      if (error === undefined || error === '' || error === null) throw new CancelledError()
      throw error
    } finally {
      restore()
    }
  }
}

/**
 * enquirer reads keys through a readline interface it creates, and cancels on Ctrl-C itself. But
 * readline, when nobody listens for its 'SIGINT', closes itself on Ctrl-C first; enquirer then
 * pauses the closed interface, which Node 24 and later answer with ERR_USE_AFTER_CLOSE, thrown
 * where nothing catches it (a stack trace, exit 1 instead of 130). A 'SIGINT' listener on the
 * interfaces created while a prompt runs leaves the Ctrl-C to enquirer. Returns the undo.
 */
function keepReadlineOpenOnCtrlC(): () => void {
  // The module object enquirer's require('readline') returns too, fetched only when a prompt runs.
  const readline = process.getBuiltinModule('node:readline')
  const {createInterface} = readline
  readline.createInterface = ((...args: Parameters<typeof createInterface>) => {
    const rl = createInterface(...args)
    rl.on('SIGINT', () => {})
    return rl
  }) as typeof createInterface
  return () => {
    readline.createInterface = createInterface
  }
}
