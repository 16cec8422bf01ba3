import {Help} from '@oclif/core'

import {standalone, unknownCommandLine} from './hooks/command-not-found.js'
import {visible} from './ui/terminal-text.js'

/**
 * oclif's help, except for a subject that names no command or topic (`llamactl help llx-…`,
 * `llamactl llx-… --help`): oclif would print "Command llx-… not found." with the typed words
 * whole, and a pasted key with them. This says the same one redacted line as an unknown command
 * (exit 2). Used where this plugin is the whole CLI (package.json oclif.helpClass is read from the
 * root package only); a host's own help decides inside a host.
 */
export default class LlamactlHelp extends Help {
  /** Shows help for `argv`, or the unknown-command line when its subject is neither a command nor a topic. */
  override async showHelp(argv: string[]): Promise<void> {
    const id = this.subject(argv)
    if (id && standalone(this.config) && !this.config.findCommand(id) && !this.config.findTopic(id)) {
      process.stderr.write(`Error: ${visible(unknownCommandLine(this.config, id))}\n`)
      process.exitCode = 2
      return
    }

    return super.showHelp(argv)
  }

  /** The command id that argv asks help for, as oclif reads it (help flags and flags left out, words joined). */
  private subject(argv: string[]): string | undefined {
    // As oclif's getHelpSubject: help flags and the word `help` skipped, the words up to the first other flag.
    const words: string[] = []
    for (const arg of argv) {
      if (arg === '--help' || arg === '-h' || (arg === 'help' && words.length === 0)) continue
      if (arg.startsWith('-')) break
      words.push(...arg.split(':'))
    }

    // The longest run of words that names a command or topic, and one word more: what oclif would call not found.
    let known = 0
    while (known < words.length && (this.config.findCommand(words.slice(0, known + 1).join(':')) || this.config.findTopic(words.slice(0, known + 1).join(':'))))
      known++
    if (known > 0 && this.config.findCommand(words.slice(0, known).join(':'))) return undefined
    return words.length > known ? words.join(':') : undefined
  }
}
