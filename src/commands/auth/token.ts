import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {interactiveFlag, parseProjectId} from '../../flags.js'
import {UsageError} from '../../errors.js'
import {readSecretFromStdin} from '../../ui/read-stdin.js'
import {profileJson, ProfileJson} from '../../ui/views.js'

/** What to do when only one of the two flags a non-interactive run needs was passed. */
const MISSING_HINT: Record<string, string> = {
  '--api-key': 'Pass --api-key as well (- reads it from stdin)',
  '--project-id': 'Pass --project-id as well: the project to use with this key (run it in a terminal to choose from the list)',
}

export default class AuthToken extends BaseCommand<ProfileJson> {
  static override summary = 'Create a profile from an API key'
  static override description =
    "Validates the API key by listing its projects, selects a project and saves an auto-named profile (the key's redacted form) as current. " +
    'Adding a key that already has a profile here updates it. ' +
    'Non-interactive runs need both --api-key and --project-id; pass --api-key - to read the key from stdin so it stays out of shell history.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --api-key llx-... --project-id p1 --no-interactive',
    // oclif adds the `$ ` prompt only to examples that start with the bin.
    '$ printenv LLAMA_CLOUD_API_KEY | <%= config.bin %> <%= command.id %> --api-key - --project-id p1',
  ]
  static override flags = {
    'api-key': Flags.string({description: 'API key, or - to read it from stdin'}),
    interactive: interactiveFlag,
    name: Flags.string({description: "Profile name (default: the key's redacted form)"}),
    'project-id': Flags.string({
      aliases: ['project'],
      parse: parseProjectId,
      description: 'Project to make active (must be one the key can use) (alias: --project)',
    }),
  }

  async run(): Promise<ProfileJson> {
    const {flags} = await this.parse(AuthToken)
    const interactive = this.interactive(flags.interactive)
    if (!interactive) {
      const absent = ['api-key', 'project-id'].filter((f) => flags[f as 'api-key'] === undefined).map((f) => `--${f}`)
      if (absent.length > 0)
        throw new UsageError(
          `Missing ${absent.join(' and ')} (required when not interactive)`,
          absent.length === 2 ? 'Pass both --api-key and --project-id' : MISSING_HINT[absent[0]],
        )
    }

    const env = await this.services.environmentStore.current()
    let apiKey = flags['api-key'] === '-' ? await readSecretFromStdin() : flags['api-key']
    apiKey ??= await (await this.services.prompter()).password('API key')
    const profileService = await this.services.profileService()
    const {created, profile} = await profileService.addApiKey(env, {
      apiKey,
      interactive,
      name: flags.name,
      projectId: flags['project-id'],
      prompter: () => this.services.prompter(),
    })
    this.say(`${created ? 'Created' : 'Updated'} profile ${profile.name} for ${env.apiUrl} (project ${profile.projectId}); it is now current.`)
    return profileJson(profile, true)
  }
}
