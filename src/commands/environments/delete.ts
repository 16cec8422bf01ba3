import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {normalizeApiUrl} from '../../api-url.js'
import {CliError} from '../../errors.js'
import {DEFAULT_API_URL} from '../../model.js'
import {interactiveFlag} from '../../flags.js'
import {pickEnvironmentToDelete} from '../../ui/pickers.js'
import type {EnvironmentDeleteJson} from '../../ui/views.js'

export default class EnvironmentsDelete extends BaseCommand<EnvironmentDeleteJson> {
  static override summary = 'Delete an environment and its profiles'
  static override description =
    "Removes an environment, every profile in it and their stored secrets (`auth env delete` in this plugin's own names). " +
    `If it was current, the default environment (${DEFAULT_API_URL}) becomes current; the default itself can't be deleted. ` +
    'Without API_URL, interactive runs let you pick one.'
  static override examples = ['<%= config.bin %> <%= command.id %> https://api.example.com', '<%= config.bin %> <%= command.id %>']
  static override args = {api_url: Args.string({description: 'API URL of the environment to delete'})}
  static override flags = {interactive: interactiveFlag}

  async run(): Promise<EnvironmentDeleteJson> {
    const {args, flags} = await this.parse(EnvironmentsDelete)
    const {current, environments} = await this.services.environmentStore.list()
    const apiUrl = normalizeApiUrl(
      await pickEnvironmentToDelete(environments, {
        current,
        hint: 'Pass one of `llamactl environments get`',
        interactive: this.interactive(flags.interactive),
        message: 'Select environment to delete',
        prompter: () => this.services.prompter(),
        requested: args.api_url,
      }),
    )
    if (!environments.some((env) => env.apiUrl === apiUrl))
      throw new CliError(`Environment '${apiUrl}' not found`, {code: 'unknown_environment', suggestion: 'See `llamactl environments get`'})
    const deleted = await (await this.services.environmentService()).delete(apiUrl)
    this.say(`deleted environment ${deleted.apiUrl} and associated profiles`)
    return deleted
  }
}
