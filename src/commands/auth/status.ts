import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {profileFlag, projectIdFlag} from '../../flags.js'
import {StatusJson, statusOk, statusText} from '../../ui/views.js'

export default class AuthStatus extends BaseCommand<StatusJson> {
  static override summary = 'Show which credential is in effect, and check it with the server'
  static override description =
    'Explains the credential every llamactl command would use now: ' +
    'where it comes from (--profile, the LLAMA_CLOUD_API_KEY and LLAMA_AGENTS_PROJECT_ID variables and the profile they override, or the current profile), ' +
    "the environment, the project, the auth type, where the secret is kept and the key's redacted form; " +
    'for browser-login profiles the email, when the access token expires and whether a refresh token is held. ' +
    "Unless --offline, it then asks the server: the project list with the key, and a login profile's session. " +
    'Exit 0 when a credential was found and the server accepted it for its project (with --offline: when one was found), ' +
    '1 otherwise; the report is printed either way. ' +
    'Never prompts, never prints a secret.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --offline',
    '<%= config.bin %> <%= command.id %> --profile ci --json',
  ]
  static override flags = {
    offline: Flags.boolean({description: 'Only explain the credential: no network call'}),
    profile: profileFlag,
    'project-id': projectIdFlag,
  }

  async run(): Promise<StatusJson> {
    const {flags} = await this.parse(AuthStatus)
    const statusService = await this.services.statusService()
    const status = await statusService.status({offline: flags.offline, profile: flags.profile, projectId: flags['project-id']})
    if (!this.jsonEnabled()) this.log(statusText(status))
    if (statusOk(status)) return status
    // The report is printed all the same; the exit code says it failed.
    if (this.jsonEnabled()) this.logJson(status)
    this.errorLine(status.check.message)
    return this.exit(1)
  }
}
