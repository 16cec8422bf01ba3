import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {interactiveFlag} from '../../flags.js'
import {missing} from '../../ui/interactive.js'
import {environmentView, type EnvironmentView} from '../../ui/views.js'

export default class EnvironmentsAdd extends BaseCommand<EnvironmentView> {
  static override summary = 'Add an environment and make it current'
  static override description =
    "Probes the server's version endpoint, stores what it reports (whether it requires auth, the oldest llamactl it accepts, its capabilities) " +
    'and makes it the current environment with no current profile, as the Python llamactl 0.10 does; ' +
    "a server that can't be reached, or is not a llamactl control plane, is an error and nothing changes. " +
    '`auth env add` stores without switching.'
  static override examples = ['<%= config.bin %> <%= command.id %> https://api.example.com', '<%= config.bin %> <%= command.id %> http://127.0.0.1:8000']
  static override args = {api_url: Args.string({description: 'Control plane API URL'})}
  static override flags = {interactive: interactiveFlag}

  async run(): Promise<EnvironmentView> {
    const {args, flags} = await this.parse(EnvironmentsAdd)
    let {api_url: apiUrl} = args
    if (apiUrl === undefined) {
      if (!this.interactive(flags.interactive)) throw missing('API_URL argument', 'Pass the control plane API URL; see `llamactl environments get`')
      apiUrl = await (await this.services.prompter()).input('Enter control plane API URL')
    }

    const env = await (await this.services.environmentService()).add(apiUrl, {use: true})
    this.say(`added environment ${env.apiUrl} requires_auth=${env.requiresAuth} min_llamactl_version=${env.minLlamactlVersion ?? '-'}`)
    return environmentView(env, true)
  }
}
