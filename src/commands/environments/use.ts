import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {normalizeApiUrl} from '../../api-url.js'
import {CliError} from '../../errors.js'
import {interactiveFlag} from '../../flags.js'
import {pickEnvironment} from '../../ui/pickers.js'
import {environmentView, type EnvironmentView} from '../../ui/views.js'

export default class EnvironmentsUse extends BaseCommand<EnvironmentView> {
  static override summary = 'Make an environment current'
  static override description =
    "Makes a known environment current (`auth env switch` in this plugin's own names); its last current profile becomes current again. " +
    "Re-probes the server to refresh its settings, and still switches (with a warning) when it can't be reached. " +
    'Without API_URL, interactive runs let you pick one.'
  static override examples = ['<%= config.bin %> <%= command.id %> https://api.cloud.llamaindex.ai', '<%= config.bin %> <%= command.id %>']
  static override args = {api_url: Args.string({description: 'API URL of a known environment (see `environments get`)'})}
  static override flags = {interactive: interactiveFlag}

  async run(): Promise<EnvironmentView> {
    const {args, flags} = await this.parse(EnvironmentsUse)
    const {current, environments} = await this.services.environmentStore.list()
    const picked = await pickEnvironment(environments, {
      current,
      hint: 'Pass one of `llamactl environments get`',
      interactive: this.interactive(flags.interactive),
      message: 'Select environment',
      prompter: () => this.services.prompter(),
      requested: args.api_url,
    })
    // The service checks the URL and that it is known (as for `auth env switch`); this only words
    // the unknown case as the Python llamactl does.
    const env = await (await this.services.environmentService()).switch(picked).catch((error: unknown) => {
      if (!(error instanceof CliError && error.code === 'unknown_environment')) throw error
      const apiUrl = normalizeApiUrl(picked)
      throw new CliError(`Environment '${apiUrl}' not found`, {code: 'unknown_environment', suggestion: `Add it with \`llamactl environments add ${apiUrl}\``})
    })
    this.say(`switched environment ${env.apiUrl}`)
    return environmentView(env, true)
  }
}
