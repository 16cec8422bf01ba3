import {Flags} from '@oclif/core'
import os from 'node:os'

import {BaseCommand} from '../../base-command.js'
import {type InstallChange, shellNamed, SHELLS, uninstallCompletion} from '../../services/completion-service.js'
import type {CompletionInstallJson} from './install.js'

export default class CompletionUninstall extends BaseCommand<CompletionInstallJson> {
  static override summary = 'Remove shell completion'
  static override description =
    'Removes what `completion install` added (and what the Python llamactl added in the same places): the completion scripts, ' +
    'and the marked lines in ~/.bashrc, ~/.zshrc and the PowerShell profile, each rc file rewritten whole, its link and mode kept. ' +
    'Every shell unless --shell names one. ' +
    'Nothing else in those files changes.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --shell zsh --dry-run']
  static override flags = {
    'dry-run': Flags.boolean({description: 'Show each change and write nothing'}),
    shell: Flags.string({description: 'Only this shell (default: every shell)', options: [...SHELLS]}),
  }

  async run(): Promise<CompletionInstallJson> {
    const {flags} = await this.parse(CompletionUninstall)
    const shells = flags.shell ? [shellNamed(flags.shell)] : SHELLS
    const changes: InstallChange[] = await uninstallCompletion(shells, {dryRun: flags['dry-run'], env: process.env, home: os.homedir()})
    for (const change of changes) this.say(`${flags['dry-run'] ? 'Would update' : 'Updated'} ${change.file}: ${change.what}`)
    if (changes.length === 0) this.say('No llamactl completion was installed: nothing to remove.')
    return {changes, dryRun: flags['dry-run'], shell: flags.shell ?? 'all'}
  }
}
