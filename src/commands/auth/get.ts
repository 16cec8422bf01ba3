import {Args} from '@oclif/core'

import {CliError} from '../../errors.js'
import {compareCodePoints} from '../../model.js'
import {OutputCommand, oneOrAll} from '../../output-command.js'
import {type Column, outputFlag, renderTable} from '../../ui/output.js'
import {profileView, type ProfileView, yesNo} from '../../ui/views.js'

const COLUMNS: Column<ProfileView>[] = [
  {cell: (p) => p.name, title: 'NAME'},
  {cell: (p) => p.api_url, title: 'API_URL'},
  {cell: (p) => p.project_id ?? '-', title: 'PROJECT_ID'},
  {cell: (p) => yesNo(p.active), title: 'ACTIVE'},
  {cell: (p) => p.auth_type, title: 'AUTH'},
]

export default class AuthGet extends OutputCommand<ProfileView | ProfileView[]> {
  static override summary = 'List the profiles of the current environment, or show one'
  static override description =
    'The Python llamactl 0.10 command: profiles sorted by name, or the one named NAME (exit 1 when there is none). ' +
    '-o json/yaml print each profile as {name, api_url, project_id, active, auth_type} (auth_type token, oidc or none); --json is -o json. ' +
    'Makes no network call and never reads a secret. ' +
    "`auth list` is the same list in this plugin's own shapes."
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -o json',
    '<%= config.bin %> <%= command.id %> alice@example.com -o yaml',
  ]
  static override args = {name: Args.string({description: 'Profile name'})}
  static override flags = {output: outputFlag}

  async run(): Promise<ProfileView | ProfileView[]> {
    const {args, flags} = await this.parse(AuthGet)
    const env = await this.services.environmentStore.current()
    // Python's `ORDER BY name` (SQLite's BINARY order), not `auth list`'s order for people.
    const all = (await this.services.profileStore.list(env.apiUrl)).sort((a, b) => compareCodePoints(a.name, b.name))
    const profiles = oneOrAll(
      all,
      args.name,
      (p) => p.name,
      () => new CliError(`Profile '${args.name}' not found`, {code: 'unknown_profile', suggestion: 'See `llamactl auth get`'}),
    )

    const views = profiles.map((p) => profileView(p, p.name === env.currentProfile))
    if (views.length === 0 && flags.output === 'text') {
      this.say('no profiles found')
      this.say(`create one with: llamactl auth ${env.requiresAuth ? 'login' : 'token'}`)
    }

    return this.print(flags.output, args.name === undefined ? views : views[0], (wide) => (views.length > 0 ? renderTable(views, COLUMNS, wide) : undefined))
  }
}
