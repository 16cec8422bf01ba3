import {Args} from '@oclif/core'

import {BaseCommand} from '../../../base-command.js'
import {CliError} from '../../../errors.js'
import {interactiveFlag, missing} from '../../../interactive.js'
import {DEFAULT_API_URL} from '../../../state/schema.js'

export default class AuthEnvDelete extends BaseCommand<{apiUrl: string; currentEnvironment: string; removedProfiles: number}> {
  static override summary = 'Delete an environment and its profiles'
  static override description = `Removes an environment, every profile in it and their stored secrets. If it was current, the default environment (${DEFAULT_API_URL}) becomes current. The default environment itself can't be deleted.`
  static override examples = ['<%= config.bin %> <%= command.id %> https://api.example.com', '<%= config.bin %> <%= command.id %>']
  static override args = {api_url: Args.string({description: 'API URL of the environment to delete'})}
  static override flags = {interactive: interactiveFlag}

  async run(): Promise<{apiUrl: string; currentEnvironment: string; removedProfiles: number}> {
    const {args, flags} = await this.parse(AuthEnvDelete)
    let {api_url: apiUrl} = args
    if (apiUrl === undefined) {
      if (!this.interactive(flags.interactive)) throw missing('API_URL argument', 'Pass one of `llamactl auth env list`')
      const deletable = (await this.services.environments.list()).environments.filter((env) => env.apiUrl !== DEFAULT_API_URL)
      if (deletable.length === 0)
        throw new CliError('There is no environment to delete', {code: 'no_environments', suggestion: `Only the default, ${DEFAULT_API_URL}, is known, and it stays`})
      const prompter = await this.services.prompter()
      apiUrl = await prompter.select('Delete environment', deletable.map((env) => ({label: env.apiUrl, value: env.apiUrl})))
    }

    const environments = await this.services.environmentService()
    const deleted = await environments.delete(apiUrl)
    const {current} = await this.services.environments.list()
    this.say(`Deleted ${deleted.apiUrl} and ${deleted.removedProfiles} profile${deleted.removedProfiles === 1 ? '' : 's'}. Current environment: ${current}.`)
    return {apiUrl: deleted.apiUrl, currentEnvironment: current, removedProfiles: deleted.removedProfiles}
  }
}
