import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {interactiveFlag, parseProjectId, profileFlag} from '../../flags.js'
import {profileJson, ProfileJson} from '../../ui/views.js'

export default class AuthProject extends BaseCommand<ProfileJson> {
  static override summary = 'Change the active project for the current profile'
  static override description =
    'Interactive runs without PROJECT_ID choose from the projects the server lists. ' +
    'In an environment that requires auth the project must be one the server lists; in one that does not, ' +
    'any project ID is accepted, and a profile without a key is created when none is current. ' +
    "--profile changes another profile's project."
  static override examples = [
    '<%= config.bin %> <%= command.id %> p1',
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> p2 --profile ci',
  ]
  static override args = {project_id: Args.string({description: 'Project ID', parse: parseProjectId})}
  static override flags = {
    interactive: interactiveFlag,
    profile: {
      ...profileFlag,
      description: "Change the project of this profile (see `auth list`) instead of the current one's; it does not become current",
    } as typeof profileFlag,
  }

  async run(): Promise<ProfileJson> {
    const {args, flags} = await this.parse(AuthProject)
    const env = await this.services.environmentStore.current()
    const projectService = await this.services.projectService()
    const profile = await projectService.setProject(env, args.project_id, {
      interactive: this.interactive(flags.interactive),
      profile: flags.profile,
      prompter: () => this.services.prompter(),
    })
    this.say(`Profile ${profile.name} now uses project ${profile.projectId}.`)
    return profileJson(profile, profile.name === (await this.services.environmentStore.current()).currentProfile)
  }
}
