import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {interactiveFlag} from '../../flags.js'

export default class ConfigDestroy extends BaseCommand<{destroyed: boolean; profiles: number}> {
  // Hidden, as in the Python llamactl 0.10 (whose hints name it).
  static override hidden = true
  static override summary = 'Forget every environment and profile, and their secrets'
  static override description =
    "Removes every profile's secrets (keychain entries or secrets.json's) and resets config.json to the built-in environment alone, " +
    "after a confirmation; --force skips it, and a run that can't ask needs --force (the Python llamactl destroys without asking there). " +
    "The Python llamactl's profiles.db is left alone and not imported again."
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --force']
  static override flags = {
    force: Flags.boolean({description: 'Destroy without asking (needed when the run cannot ask)'}),
    interactive: interactiveFlag,
  }

  async run(): Promise<{destroyed: boolean; profiles: number}> {
    const {flags} = await this.parse(ConfigDestroy)
    if (!flags.force) {
      if (!this.interactive(flags.interactive))
        throw new UsageError('config destroy asks before removing every profile, and this run cannot ask', 'Pass --force to destroy without asking')
      const prompter = await this.services.prompter()
      const sure = await prompter.select('Are you sure you want to destroy all of your local logins? This action cannot be undone.', [
        {label: 'No', value: false},
        {label: 'Yes, destroy them', value: true},
      ])
      if (!sure) {
        this.say('Nothing was removed.')
        return {destroyed: false, profiles: 0}
      }
    }

    const {profiles} = await (await this.services.localState()).destroy()
    this.say(
      `database destroyed: ${profiles} profile${profiles === 1 ? '' : 's'} and their secrets removed. ` +
        "The Python llamactl's profiles.db, if any, is left alone.",
    )
    return {destroyed: true, profiles}
  }
}
