import {Args} from '@oclif/core'

import {BaseCommand} from '../../../base-command.js'
import {interactiveFlag, missing} from '../../../interactive.js'
import {environmentJson, EnvironmentJson} from '../../../views.js'

export default class AuthEnvSwitch extends BaseCommand<EnvironmentJson> {
  static override summary = 'Switch the current environment'
  static override description =
    'Makes a known environment current; its last current profile becomes current again. Re-probes the server to refresh its settings, and still switches (with a warning) when it can\'t be reached.'
  static override examples = ['<%= config.bin %> <%= command.id %> https://api.cloud.llamaindex.ai', '<%= config.bin %> <%= command.id %>']
  static override args = {api_url: Args.string({description: 'API URL of a known environment (see `auth env list`)'})}
  static override flags = {interactive: interactiveFlag}

  async run(): Promise<EnvironmentJson> {
    const {args, flags} = await this.parse(AuthEnvSwitch)
    let {api_url: apiUrl} = args
    if (apiUrl === undefined) {
      if (!this.interactive(flags.interactive)) throw missing('API_URL argument', 'Pass one of `llamactl auth env list`')
      const {current, environments} = await this.services.environments.list()
      const prompter = await this.services.prompter()
      apiUrl = await prompter.select(
        'Switch to environment',
        environments.map((env) => ({label: env.apiUrl, value: env.apiUrl})),
        {initial: Math.max(0, environments.findIndex((env) => env.apiUrl === current))},
      )
    }

    const environments = await this.services.environmentService()
    const env = await environments.switch(apiUrl)
    this.say(`Switched to ${env.apiUrl}${env.currentProfile ? ` (profile ${env.currentProfile})` : ''}.`)
    return environmentJson(env, true)
  }
}
