import {Args} from '@oclif/core'

import {BaseCommand} from '../../../base-command.js'
import {interactiveFlag, missing} from '../../../interactive.js'
import {DEFAULT_API_URL} from '../../../state/schema.js'

export default class AuthEnvDelete extends BaseCommand<{apiUrl: string; currentEnvironment: string; removedProfiles: number}> {
  static override summary = 'Delete an environment and its profiles'
  static override description = `Removes an environment, every profile in it and their stored secrets. If it was current, the default environment (${DEFAULT_API_URL}) becomes current. The default environment itself can't be deleted.`
  static override examples = ['<%= config.bin %> <%= command.id %> https://api.example.com', '<%= config.bin %> <%= command.id %>']
  static override args = {apiUrl: Args.string({description: 'API URL of the environment to delete', name: 'API_URL'})}
  static override flags = {interactive: interactiveFlag}

  async run(): Promise<{apiUrl: string; currentEnvironment: string; removedProfiles: number}> {
    const {args, flags} = await this.parse(AuthEnvDelete)
    let {apiUrl} = args
    if (apiUrl === undefined) {
      if (!this.interactive(flags.interactive)) throw missing('API_URL argument', 'Pass one of `llamactl auth env list`')
      const {environments} = await this.services.environments.list()
      apiUrl = await this.services.prompter.select(
        'Delete environment',
        environments.filter((env) => env.apiUrl !== DEFAULT_API_URL).map((env) => ({label: env.apiUrl, value: env.apiUrl})),
      )
    }

    const {removedProfiles} = await this.services.environmentService.delete(apiUrl)
    const {current} = await this.services.environments.list()
    this.say(`Deleted ${apiUrl} and ${removedProfiles} profile${removedProfiles === 1 ? '' : 's'}. Current environment: ${current}.`)
    return {apiUrl, currentEnvironment: current, removedProfiles}
  }
}
