import {Flags} from '@oclif/core'
import os from 'node:os'

import {BaseCommand} from '../../base-command.js'
import {writeCommandTree} from '../../services/command-tree.js'
import {COMPLETER, completionScript, type InstallChange, installCompletion, installShell, SHELLS} from '../../services/completion-service.js'

export interface CompletionInstallJson {
  changes: InstallChange[]
  dryRun: boolean
  shell: string
}

export default class CompletionInstall extends BaseCommand<CompletionInstallJson> {
  static override summary = 'Install shell completion'
  static override description =
    'Writes the completion script where your shell finds it and, where needed, the line that loads it: bash, ' +
    "~/.bash_completion.d/llamactl (or bash-completion's user dir when it exists) and a `source` line in ~/.bashrc; " +
    'zsh, ~/.zfunc/_llamactl and the fpath and compinit lines in ~/.zshrc; fish, ' +
    '~/.config/fish/completions/llamactl.fish; PowerShell, a script next to your profile and a line in it. ' +
    'A second run changes nothing. ' +
    'The shell is the one $SHELL names unless --shell says; when $SHELL names another shell (tcsh or sh, say) or none, it stops and asks for --shell.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --shell zsh --dry-run']
  static override flags = {
    'dry-run': Flags.boolean({description: 'Show each change and write nothing'}),
    shell: Flags.string({description: 'The shell (default: from $SHELL)', options: [...SHELLS]}),
  }

  async run(): Promise<CompletionInstallJson> {
    const {flags} = await this.parse(CompletionInstall)
    const shell = installShell(flags.shell, process.env)
    const script = completionScript(shell, {bin: this.config.bin, completer: COMPLETER, node: process.execPath, root: this.config.root})
    const changes = await installCompletion(shell, script, {dryRun: flags['dry-run'], env: process.env, home: os.homedir()})
    // What the TABs read of this CLI's commands, from oclif's own view of it.
    if (!flags['dry-run']) writeCommandTree(this.config)
    for (const change of changes)
      this.say(`${change.changed ? (flags['dry-run'] ? 'Would update' : 'Updated') : 'Unchanged'} ${change.file}${change.changed ? `: ${change.what}` : ''}`)
    if (!flags['dry-run'] && changes.some((c) => c.changed)) this.say(`Completion for ${shell} installed: open a new shell (or source its rc file) to use it.`)
    return {changes, dryRun: flags['dry-run'], shell}
  }
}
