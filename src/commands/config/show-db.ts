import {BaseCommand} from '../../base-command.js'
import type {LocalFiles} from '../../services/local-state.js'

export default class ConfigShowDb extends BaseCommand<LocalFiles> {
  // Hidden, as in the Python llamactl 0.10 (whose hints name it): it answers, but isn't advertised.
  static override hidden = true
  static override summary = 'Show where llamactl keeps its state'
  static override description =
    "The Python llamactl's command printed the path of its profiles.db; " +
    "this names this plugin's files on stderr, as Python does: config.json (environments and profiles), " +
    'secrets.json (secrets when there is no OS keychain, or with LLAMACTL_SECRET_STORE=file, which also silences the fallback warning), ' +
    "and the Python llamactl's profiles.db when there is one (read by `auth import`, never written). " +
    '--json prints {config, secrets, pythonProfilesDb}.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<LocalFiles> {
    await this.parse(ConfigShowDb)
    const files = (await this.services.localState()).files()
    this.say(files.config)
    this.say(`${files.secrets} (secrets when there is no OS keychain; LLAMACTL_SECRET_STORE=file uses it without a warning)`)
    if (files.pythonProfilesDb) this.say(`${files.pythonProfilesDb} (the Python llamactl's, read by \`auth import\`, never written)`)
    return files
  }
}
