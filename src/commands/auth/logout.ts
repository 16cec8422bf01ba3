import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {CliError} from '../../errors.js'
import {interactiveFlag, missing} from '../../interactive.js'
import {profileJson, ProfileJson} from '../../views.js'

export default class AuthLogout extends BaseCommand<ProfileJson> {
  static override summary = 'Delete a login profile and its local data'
  static override description =
    'Deletes a profile of the current environment and its secrets from the keychain. A browser-login profile also has its CLI API key revoked on the server. If the profile was current, no profile is current afterwards.'
  static override examples = ['<%= config.bin %> <%= command.id %> alice@example.com', '<%= config.bin %> <%= command.id %>']
  static override args = {name: Args.string({description: 'Profile name (see `auth list`); interactive runs prompt when omitted'})}
  static override flags = {interactive: interactiveFlag}

  async run(): Promise<ProfileJson> {
    const {args, flags} = await this.parse(AuthLogout)
    const env = await this.services.environments.current()
    let {name} = args
    if (name === undefined) {
      if (!this.interactive(flags.interactive)) throw missing('NAME argument', 'Pass the profile to delete; see `llamactl auth list`')
      const profiles = await this.services.profiles.list(env.apiUrl)
      if (profiles.length === 0) throw new CliError(`No profiles in ${env.apiUrl}`, {code: 'no_profiles', suggestion: 'Nothing to log out of'})
      name = await this.services.prompter.select(
        'Log out of profile',
        profiles.map((p) => ({label: p.name, value: p.name})),
        {initial: Math.max(0, profiles.findIndex((p) => p.name === env.currentProfile))},
      )
    }

    const profile = await this.services.profileService.remove(env.apiUrl, name)
    this.say(`Logged out of ${profile.name}; its profile and secrets are deleted.`)
    return profileJson(profile, false)
  }
}
