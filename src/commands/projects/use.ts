import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {CliError} from '../../errors.js'
import {interactiveFlag} from '../../flags.js'
import {profileView, type ProfileView} from '../../ui/views.js'

export default class ProjectsUse extends BaseCommand<ProfileView> {
  static override summary = "Set the current profile's project"
  static override description =
    "`auth project` in this plugin's own names. " +
    "A PROJECT_ID is looked up in every organization (or --org's); " +
    'in an environment that requires auth it must be one the server lists (exit 1 otherwise), in one that does not any ID is accepted. ' +
    "Without PROJECT_ID, interactive runs choose from the default organization's projects (or --org's); other runs must pass it."
  static override examples = ['<%= config.bin %> <%= command.id %> p1', '<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --org acme']
  static override args = {project_id: Args.string({description: 'Project ID (see `projects get`)'})}
  static override flags = {
    interactive: interactiveFlag,
    org: Flags.string({description: 'Organization ID to scope projects to (see `organizations get`)'}),
  }

  async run(): Promise<ProfileView> {
    const {args, flags} = await this.parse(ProjectsUse)
    const env = await this.services.environmentStore.current()
    // As in Python: the project already in use is not checked again, and nothing is said.
    const current = await this.services.profileStore.current(env.apiUrl)
    if (current && args.project_id !== undefined && current.projectId === args.project_id.trim()) return profileView(current, true)
    const projectService = await this.services.projectService()
    const profile = await projectService
      .setProject(env, args.project_id, {interactive: this.interactive(flags.interactive), org: flags.org, prompter: () => this.services.prompter()})
      .catch((error: unknown) => {
        // Python's words for an id the server doesn't list.
        if (error instanceof CliError && error.code === 'unknown_project')
          throw new CliError(`Project ${args.project_id?.trim()} not found`, {code: 'unknown_project', suggestion: 'See `llamactl projects get`'})
        throw error
      })
    this.say(`switched project ${profile.projectId}`)
    return profileView(profile, true)
  }
}
