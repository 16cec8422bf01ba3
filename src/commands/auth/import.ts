import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {ImportJson, importSummary} from '../../services/import-service.js'

export default class AuthImport extends BaseCommand<ImportJson> {
  static override summary = "Import the Python llamactl's profiles (profiles.db)"
  static override description =
    "Copies the environments and profiles of the Python llamactl's profiles.db (in the config directory, or --from PATH) into this llamactl: " +
    'API-key, browser-login and key-less profiles, with their keys and tokens going to the OS keychain. ' +
    'Environments not known here are added; a profile whose name is already taken in its environment is skipped with a warning, ' +
    'never overwritten. profiles.db is only read, never changed: ' +
    'delete it yourself once you no longer use the Python llamactl, since it holds the keys in plain text. ' +
    'The first command run without a config file does this on its own.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --dry-run',
    '<%= config.bin %> <%= command.id %> --from ~/old-laptop/llamactl/profiles.db --json',
  ]

  static override flags = {
    'dry-run': Flags.boolean({description: 'Report what would be imported, and write nothing'}),
    from: Flags.string({description: "The Python llamactl's profiles.db (default: profiles.db in the config directory)", helpValue: 'PATH'}),
  }

  async run(): Promise<ImportJson> {
    const {flags} = await this.parse(AuthImport)
    const importService = await this.services.importService()
    const report = flags['dry-run'] ? await importService.preview(flags.from) : await importService.import(flags.from)
    this.say(importSummary(report, {dryRun: flags['dry-run']}))
    return report
  }
}
