import {Args} from '@oclif/core'

import {BaseCommand} from '../../../base-command.js'
import {interactiveFlag} from '../../../flags.js'
import {DEFAULT_API_URL} from '../../../model.js'
import {pickEnvironmentToDelete} from '../../../ui/pickers.js'
import type {EnvironmentDeleteJson} from '../../../ui/views.js'

export default class AuthEnvDelete extends BaseCommand<EnvironmentDeleteJson> {
  static override summary = 'Delete an environment and its profiles'
  static override description =
    'Removes an environment, every profile in it and their stored secrets. ' +
    `If it was current, the default environment (${DEFAULT_API_URL}) becomes current. ` +
    "The default environment itself can't be deleted."
  static override examples = ['<%= config.bin %> <%= command.id %> https://api.example.com', '<%= config.bin %> <%= command.id %>']
  static override args = {api_url: Args.string({description: 'API URL of the environment to delete'})}
  static override flags = {interactive: interactiveFlag}

  async run(): Promise<EnvironmentDeleteJson> {
    const {args, flags} = await this.parse(AuthEnvDelete)
    const apiUrl = await pickEnvironmentToDelete((await this.services.environmentStore.list()).environments, {
      hint: 'Pass one of `llamactl auth env list`',
      interactive: this.interactive(flags.interactive),
      message: 'Delete environment',
      prompter: () => this.services.prompter(),
      requested: args.api_url,
    })
    const environmentService = await this.services.environmentService()
    const deleted = await environmentService.delete(apiUrl)
    const n = deleted.removedProfiles
    this.say(`Deleted ${deleted.apiUrl} and ${n} profile${n === 1 ? '' : 's'}. Current environment: ${deleted.currentEnvironment}.`)
    return deleted
  }
}
