import type {Choice, Prompter} from '../../src/ui/prompter.js'

/** One question the scripted prompter was asked. */
export interface Asked {
  /** Labels of a select's choices. */
  choices?: string[]
  /** The preselected choice's index a select was given. */
  initial?: number
  kind: 'input' | 'password' | 'select'
  message: string
}

/**
 * A Prompter that answers from a script instead of a terminal (enquirer's own drawing is tested
 * through a real pseudo-terminal in the command tests). A select is answered with the choice
 * whose label includes the scripted text; input and password with the text itself. Asking more
 * than the script holds fails the test, so "never prompts" is checked by an empty script.
 */
export class ScriptedPrompter implements Prompter {
  readonly asked: Asked[] = []

  constructor(private readonly answers: string[] = []) {}

  /** For the `prompter: () => Promise<Prompter>` options of services and pickers. */
  get factory(): () => Promise<Prompter> {
    return async () => this
  }

  async input(message: string): Promise<string> {
    this.asked.push({kind: 'input', message})
    return this.next(message)
  }

  async password(message: string): Promise<string> {
    this.asked.push({kind: 'password', message})
    return this.next(message)
  }

  async select<T>(message: string, choices: Choice<T>[], options: {initial?: number} = {}): Promise<T> {
    const labels = choices.map((c) => c.label)
    this.asked.push({choices: labels, initial: options.initial, kind: 'select', message})
    const want = this.next(message)
    const choice = choices.find((c) => c.label.includes(want))
    if (!choice) throw new Error(`scripted prompter: no choice "${want}" in ${labels.join(' | ')}`)
    return choice.value
  }

  private next(message: string): string {
    const answer = this.answers.shift()
    if (answer === undefined) throw new Error(`scripted prompter: unexpected prompt "${message}"`)
    return answer
  }
}
