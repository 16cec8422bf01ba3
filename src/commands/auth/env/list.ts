import {BaseCommand} from '../../../base-command.js'
import {environmentJson, EnvironmentListJson, table} from '../../../ui/views.js'

export default class AuthEnvList extends BaseCommand<EnvironmentListJson> {
  static override summary = 'List known environments'
  static override description =
    'Shows each known control plane (API URL), whether it requires auth and the oldest llamactl it accepts. ' +
    'The current environment is marked with *. ' +
    'Makes no network call. ' +
    '`environments get` (the Python llamactl 0.10 name) lists them in the 0.10 shapes (-o json|yaml).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<EnvironmentListJson> {
    await this.parse(AuthEnvList)
    const {current, environments} = await this.services.environmentStore.list()
    const result = {environments: environments.map((env) => environmentJson(env, env.apiUrl === current))}
    if (!this.jsonEnabled())
      this.log(
        table(
          ['', 'API URL', 'REQUIRES AUTH', 'MIN VERSION'],
          environments.map((env) => [env.apiUrl === current ? '*' : '', env.apiUrl, env.requiresAuth ? 'yes' : 'no', env.minLlamactlVersion ?? '-']),
        ),
      )
    return result
  }
}
