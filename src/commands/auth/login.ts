import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {interactiveFlag, parseProjectId} from '../../flags.js'
import {profileJson, ProfileJson} from '../../ui/views.js'

export default class AuthLogin extends BaseCommand<ProfileJson> {
  static override summary = 'Log in with your browser'
  static override description =
    'Signs in to the current environment with its OpenID provider (OAuth device flow): ' +
    'prints a URL and a code, opens the URL in your browser ($BROWSER when set) and waits for you to approve. ' +
    'Then it picks a project (the only one, --project-id, or a prompt), mints an API key for this CLI and saves a profile named by your email as current. ' +
    'Logging in again as the same user updates that profile. ' +
    'Secrets go to the OS keychain, never to the config file.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --no-browser',
    '<%= config.bin %> <%= command.id %> --project-id p1 --no-interactive',
  ]

  static override flags = {
    browser: Flags.boolean({allowNo: true, default: true, description: 'Open the verification URL in a browser (--no-browser only prints it)'}),
    interactive: interactiveFlag,
    name: Flags.string({description: 'Profile name (default: your email)'}),
    'project-id': Flags.string({
      aliases: ['project'],
      parse: parseProjectId,
      description: 'Project to make active (must be one your account can use) (alias: --project)',
    }),
  }

  async run(): Promise<ProfileJson> {
    const {flags} = await this.parse(AuthLogin)
    const env = await this.services.environmentStore.current()
    const loginService = await this.services.loginService()
    const {created, profile} = await loginService.login(env, {
      interactive: this.interactive(flags.interactive),
      name: flags.name,
      noBrowser: !flags.browser,
      projectId: flags['project-id'],
      prompter: () => this.services.prompter(),
    })
    this.say(`${created ? 'Created' : 'Updated'} profile ${profile.name} for ${env.apiUrl} (project ${profile.projectId}); it is now current.`)
    return profileJson(profile, true)
  }
}
