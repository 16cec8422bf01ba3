import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {CliError} from '../../errors.js'
import {interactiveFlag} from '../../flags.js'
import {profileView, type ProfileView} from '../../ui/views.js'

export default class AuthUse extends BaseCommand<ProfileView> {
  static override summary = 'Make a profile of the current environment current'
  static override description =
    "The Python llamactl 0.10 command (`auth switch` in this plugin's own names). " +
    'Without NAME, interactive runs let you pick one; other runs must pass it. ' +
    '--json prints the profile as `auth get -o json` does.'
  static override examples = ['<%= config.bin %> <%= command.id %> alice@example.com', '<%= config.bin %> <%= command.id %>']
  static override args = {name: Args.string({description: 'Profile name (see `auth get`)'})}
  static override flags = {interactive: interactiveFlag}

  async run(): Promise<ProfileView> {
    const {args, flags} = await this.parse(AuthUse)
    const env = await this.services.environmentStore.current()
    const name = await this.profileName(env, args.name, {interactive: this.interactive(flags.interactive), message: 'Select profile'})
    // The store checks the name (as for `auth switch`); this only words its error as the Python llamactl does.
    const profile = (await this.services.profileStore.setCurrent(env.apiUrl, name).catch((error: unknown) => {
      if (error instanceof CliError && error.code === 'unknown_profile')
        throw new CliError(`Profile '${name}' not found`, {code: 'unknown_profile', suggestion: 'See `llamactl auth get`'})
      throw error
    }))!
    this.say(`switched profile ${profile.name}`)
    return profileView(profile, true)
  }
}
