import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {interactiveFlag} from '../../flags.js'
import {profileJson, ProfileJson} from '../../ui/views.js'

export default class AuthSwitch extends BaseCommand<ProfileJson> {
  static override summary = 'Set the current profile'
  static override description =
    'Makes a profile of the current environment the one every other llamactl command uses. ' +
    'Without NAME, interactive runs let you pick one. ' +
    '`auth use` is the Python llamactl 0.10 name.'
  static override examples = ['<%= config.bin %> <%= command.id %> alice@example.com', '<%= config.bin %> <%= command.id %>']
  static override args = {name: Args.string({description: 'Profile name (see `auth list`)'})}
  static override flags = {interactive: interactiveFlag}

  async run(): Promise<ProfileJson> {
    const {args, flags} = await this.parse(AuthSwitch)
    const env = await this.services.environmentStore.current()
    const name = await this.profileName(env, args.name, {interactive: this.interactive(flags.interactive), message: 'Switch to profile'})

    const profile = (await this.services.profileStore.setCurrent(env.apiUrl, name))!
    this.say(`Switched to profile ${profile.name} (project ${profile.projectId ?? 'none'}).`)
    return profileJson(profile, true)
  }
}
