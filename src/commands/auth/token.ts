import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {interactiveFlag} from '../../interactive.js'
import {pickProject} from '../../project-picker.js'
import {readSecretFromStdin} from '../../read-stdin.js'
import {profileJson, ProfileJson} from '../../views.js'

export default class AuthToken extends BaseCommand<ProfileJson> {
  static override summary = 'Create a profile from an API key'
  static override description =
    'Validates the API key by listing its projects, selects a project and saves an auto-named profile (the key\'s redacted form) as current. Adding a key that already has a profile here updates it. Non-interactive runs need both --api-key and --project-id; pass --api-key - to read the key from stdin so it stays out of shell history.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --api-key llx-... --project-id p1 --no-interactive',
    'printenv LLAMA_CLOUD_API_KEY | <%= config.bin %> <%= command.id %> --api-key - --project-id p1',
  ]
  // Extra arguments are refused by BaseCommand.parse, redacted (see there).
  static override strict = false
  static override flags = {
    'api-key': Flags.string({description: 'API key, or - to read it from stdin'}),
    interactive: interactiveFlag,
    name: Flags.string({description: 'Profile name (default: the key\'s redacted form)'}),
    'project-id': Flags.string({description: 'Project to make active (must be one the key can use)'}),
  }

  async run(): Promise<ProfileJson> {
    const {flags} = await this.parse(AuthToken)
    const interactive = this.interactive(flags.interactive)
    if (!interactive) {
      const absent = ['api-key', 'project-id'].filter((f) => flags[f as 'api-key'] === undefined).map((f) => `--${f}`)
      if (absent.length > 0) throw new UsageError(`Missing ${absent.join(' and ')} (required when not interactive)`, 'Pass both --api-key and --project-id')
    }

    const env = await this.services.environments.current()
    let apiKey = flags['api-key'] === '-' ? await readSecretFromStdin() : flags['api-key']
    apiKey ??= await (await this.services.prompter()).password('API key')
    apiKey = apiKey.trim()
    if (!apiKey) throw new UsageError('The API key is empty', 'Create one in the web console and pass it with --api-key')

    const profileService = await this.services.profileService()
    const projects = await profileService.validateKey(env.apiUrl, apiKey)
    const projectId = await pickProject(projects, {
      allowUnlisted: false,
      flag: '--project-id',
      interactive,
      prompter: () => this.services.prompter(),
      requested: flags['project-id'],
      takeSingle: env.requiresAuth,
    })
    const {created, profile} = await profileService.saveApiKeyProfile(env, apiKey, projectId, flags.name)
    this.say(`${created ? 'Created' : 'Updated'} profile ${profile.name} for ${env.apiUrl} (project ${projectId}); it is now current.`)
    return profileJson(profile, true)
  }
}
