import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {profileFlag, projectIdFlag} from '../../flags.js'

export default class AuthExec extends BaseCommand<void> {
  static override summary = 'Run a command with the credential in effect in its environment'
  static override description =
    'Runs COMMAND with LLAMA_CLOUD_API_KEY, LLAMA_AGENTS_PROJECT_ID and LLAMA_CLOUD_BASE_URL set from the credential in effect (see `auth status`), ' +
    'replacing inherited ones; a key-less profile leaves the key unset. ' +
    'Standard input, output and error are passed through and nothing is written to disk. ' +
    "The exit status is the command's (128 + the signal's number when a signal killed it). " +
    'Every signal that would end llamactl is forwarded to it (SIGTERM, SIGHUP, SIGUSR1, SIGALRM and the others), ' +
    'SIGINT and SIGQUIT outside a terminal only (in one, Ctrl-C and Ctrl-\\ reach it directly). ' +
    "A command that can't be started is exit 127. " +
    'Put -- before COMMAND. ' +
    'Makes no network call.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> -- env',
    '<%= config.bin %> <%= command.id %> --profile ci -- npm run deploy',
    '<%= config.bin %> <%= command.id %> -- sh -c \'curl -H "Authorization: Bearer $LLAMA_CLOUD_API_KEY" $LLAMA_CLOUD_BASE_URL/api/v1/auth/me\'',
  ]

  // Its output is the command's: no --json.
  static override enableJsonFlag = false
  static override flags = {
    profile: profileFlag,
    'project-id': projectIdFlag,
  }

  static override usage = 'auth exec [--profile <name>] [--project-id <value>] -- COMMAND [ARG...]'

  async run(): Promise<void> {
    // Everything after the first -- is the command, verbatim (oclif would reorder arguments that repeat a flag's value).
    const argv = [...this.argv]
    const split = argv.indexOf('--')
    const command = split === -1 ? [] : argv.slice(split + 1)
    const afterDashes = 'Put the command after --, e.g. `llamactl auth exec -- env` or `llamactl auth exec -- ls -la`'
    // Without --, a command's words read as unexpected arguments or unknown flags (`auth exec ls -la`): say where they go.
    const {flags} = await this.parse(AuthExec, split === -1 ? argv : argv.slice(0, split)).catch((error: unknown) => {
      throw split === -1 && error instanceof UsageError ? new UsageError(error.message, afterDashes) : error
    })
    if (command.length === 0) throw new UsageError('Missing the command to run', afterDashes)

    const credentialService = await this.services.credentialService()
    const credentials = await credentialService.credentialsInEffect({profile: flags.profile, projectId: flags['project-id']})
    const {runWithVariables} = await import('../../services/exec-service.js')
    const status = await runWithVariables(command, credentialService.variables(credentials), process.env)
    if (status !== 0) this.exit(status)
  }
}
