import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {writeCommandTree} from '../../services/command-tree.js'
import {COMPLETER, completionScript, type Shell, SHELLS} from '../../services/completion-service.js'

export default class CompletionGenerate extends BaseCommand<{script: string; shell: string}> {
  static override summary = 'Print the shell completion script'
  static override description =
    'Prints a completion script for bash, zsh, fish or PowerShell on stdout. ' +
    'It completes every command, topic and flag of this llamactl and its installed plugins ' +
    '(read from oclif when they change, so `plugins install` needs no new script), ' +
    'profile names, environment URLs, and project and organization ids from the server. ' +
    'Each TAB runs a small Node program, not llamactl itself. ' +
    '`completion install` puts the script where your shell finds it.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> bash > ~/.bash_completion.d/llamactl',
    '<%= config.bin %> <%= command.id %> zsh > ~/.zfunc/_llamactl',
    '<%= config.bin %> <%= command.id %> fish > ~/.config/fish/completions/llamactl.fish',
  ]
  static override args = {shell: Args.string({description: 'The shell', options: [...SHELLS], required: true})}

  async run(): Promise<{script: string; shell: string}> {
    const {args} = await this.parse(CompletionGenerate)
    // What the TABs read of this CLI's commands, from oclif's own view of it.
    writeCommandTree(this.config)
    const script = completionScript(args.shell as Shell, {bin: this.config.bin, completer: COMPLETER, node: process.execPath, root: this.config.root})
    // Written as is: the script is code for the shell, not text for people.
    if (!this.jsonEnabled()) process.stdout.write(script)
    return {script, shell: args.shell}
  }
}
