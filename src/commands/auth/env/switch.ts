import {Args} from '@oclif/core'

import {BaseCommand} from '../../../base-command.js'
import {interactiveFlag} from '../../../flags.js'
import {pickEnvironment} from '../../../ui/pickers.js'
import {environmentJson, EnvironmentJson} from '../../../ui/views.js'

export default class AuthEnvSwitch extends BaseCommand<EnvironmentJson> {
  static override summary = 'Switch the current environment'
  static override description =
    'Makes a known environment current; its last current profile becomes current again. ' +
    "Re-probes the server to refresh its settings, and still switches (with a warning) when it can't be reached. " +
    '`environments use` is the Python llamactl 0.10 name.'
  static override examples = ['<%= config.bin %> <%= command.id %> https://api.cloud.llamaindex.ai', '<%= config.bin %> <%= command.id %>']
  static override args = {api_url: Args.string({description: 'API URL of a known environment (see `auth env list`)'})}
  static override flags = {interactive: interactiveFlag}

  async run(): Promise<EnvironmentJson> {
    const {args, flags} = await this.parse(AuthEnvSwitch)
    const {current, environments} = await this.services.environmentStore.list()
    const apiUrl = await pickEnvironment(environments, {
      current,
      hint: 'Pass one of `llamactl auth env list`',
      interactive: this.interactive(flags.interactive),
      message: 'Switch to environment',
      prompter: () => this.services.prompter(),
      requested: args.api_url,
    })
    const environmentService = await this.services.environmentService()
    const env = await environmentService.switch(apiUrl)
    this.say(`Switched to ${env.apiUrl}${env.currentProfile ? ` (profile ${env.currentProfile})` : ''}.`)
    return environmentJson(env, true)
  }
}
