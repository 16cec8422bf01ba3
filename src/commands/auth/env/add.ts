import {Args} from '@oclif/core'

import {BaseCommand} from '../../../base-command.js'
import {interactiveFlag} from '../../../flags.js'
import {missing} from '../../../ui/interactive.js'
import {environmentJson, EnvironmentJson} from '../../../ui/views.js'

export default class AuthEnvAdd extends BaseCommand<EnvironmentJson> {
  static override summary = 'Add or update an environment'
  static override description =
    "Probes the server's version endpoint and stores what it reports (whether it requires auth, the oldest llamactl it accepts). " +
    "A server that can't be reached, or that is not a llamactl control plane, is an error and nothing is stored. " +
    'Does not switch to it: use `auth env switch`.'
  static override examples = ['<%= config.bin %> <%= command.id %> https://api.example.com', '<%= config.bin %> <%= command.id %> http://127.0.0.1:8000']
  static override args = {api_url: Args.string({description: 'Control plane API URL'})}
  static override flags = {interactive: interactiveFlag}

  async run(): Promise<EnvironmentJson> {
    const {args, flags} = await this.parse(AuthEnvAdd)
    let {api_url: apiUrl} = args
    if (apiUrl === undefined) {
      if (!this.interactive(flags.interactive)) throw missing('API_URL argument', 'Pass the control plane API URL')
      const prompter = await this.services.prompter()
      apiUrl = await prompter.input('Control plane API URL')
    }

    const environmentService = await this.services.environmentService()
    const env = await environmentService.add(apiUrl)
    const {current} = await this.services.environmentStore.list()
    this.say(
      `Added ${env.apiUrl} (${env.requiresAuth ? 'requires auth' : 'no auth'}).` +
        (current === env.apiUrl ? '' : ` Switch to it with \`llamactl auth env switch ${env.apiUrl}\`.`),
    )
    return environmentJson(env, current === env.apiUrl)
  }
}
