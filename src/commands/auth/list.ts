import {BaseCommand} from '../../base-command.js'
import {profileJson, ProfileListJson, table} from '../../ui/views.js'

export default class AuthList extends BaseCommand<ProfileListJson> {
  static override summary = 'List login profiles in the current environment'
  static override description =
    'Shows the profiles of the current environment (see `auth env list`) with their active project and auth type. ' +
    'The current profile is marked with *. ' +
    'Makes no network call and never touches the keychain (except on a first run that imports the profiles.db of the Python llamactl, see `auth import`). ' +
    '`auth get` (the Python llamactl 0.10 name) lists the same profiles in the 0.10 shapes (-o json|yaml).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<ProfileListJson> {
    await this.parse(AuthList)
    const env = await this.services.environmentStore.current()
    const profiles = await this.services.profileStore.list(env.apiUrl)
    const result: ProfileListJson = {environment: env.apiUrl, profiles: profiles.map((p) => profileJson(p, p.name === env.currentProfile))}
    if (this.jsonEnabled()) return result
    if (profiles.length === 0) {
      const how = env.requiresAuth ? '`llamactl auth login` or `llamactl auth token`' : '`llamactl auth token` or `llamactl auth project`'
      this.say(`No profiles in ${env.apiUrl}. Create one with ${how}.`)
      return result
    }

    const rows = profiles.map((p) => [
      p.name === env.currentProfile ? '*' : '',
      p.name,
      p.projectId ?? '-',
      p.authType === 'login' && p.email && p.email !== p.name ? `login (${p.email})` : p.authType,
    ])
    this.log(table(['', 'NAME', 'PROJECT', 'TYPE'], rows))
    return result
  }
}
