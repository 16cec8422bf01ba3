import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {CliError} from '../../errors.js'
import {interactiveFlag, missing} from '../../interactive.js'
import {profileJson, ProfileJson} from '../../views.js'

export default class AuthSwitch extends BaseCommand<ProfileJson> {
  static override summary = 'Set the current profile'
  static override description =
    'Makes a profile of the current environment the one every other llamactl command uses. Without NAME, interactive runs let you pick one.'
  static override examples = ['<%= config.bin %> <%= command.id %> alice@example.com', '<%= config.bin %> <%= command.id %>']
  static override args = {name: Args.string({description: 'Profile name (see `auth list`)'})}
  static override flags = {interactive: interactiveFlag}

  async run(): Promise<ProfileJson> {
    const {args, flags} = await this.parse(AuthSwitch)
    const env = await this.services.environments.current()
    let {name} = args
    if (name === undefined) {
      if (!this.interactive(flags.interactive)) throw missing('NAME argument', 'Pass a profile name; see `llamactl auth list`')
      const profiles = await this.services.profiles.list(env.apiUrl)
      if (profiles.length === 0)
        throw new CliError(`No profiles in ${env.apiUrl}`, {code: 'no_profiles', suggestion: 'Create one with `llamactl auth token` or `llamactl auth login`'})
      name = await this.services.prompter.select(
        'Switch to profile',
        profiles.map((p) => ({label: `${p.name} (${p.projectId ?? 'no project'})`, value: p.name})),
        {initial: Math.max(0, profiles.findIndex((p) => p.name === env.currentProfile))},
      )
    }

    const profile = (await this.services.profiles.setCurrent(env.apiUrl, name))!
    this.say(`Switched to profile ${profile.name} (project ${profile.projectId ?? 'none'}).`)
    return profileJson(profile, true)
  }
}
