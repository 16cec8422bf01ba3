import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {profileFlag, projectIdFlag} from '../../flags.js'
import {credentialSource, InjectJson, nameList} from '../../ui/views.js'

export default class AuthInject extends BaseCommand<InjectJson> {
  static override summary = 'Write the credential in effect into a .env file'
  static override description =
    'Writes LLAMA_CLOUD_API_KEY, LLAMA_AGENTS_PROJECT_ID and LLAMA_CLOUD_BASE_URL of the credential in effect (see `auth status`) into a dotenv file: ' +
    'each replaced where the file has it (also as `export NAME=`), appended otherwise; every other line, comment and blank line stays as it was. ' +
    "Values are written so that a shell sourcing the file takes them literally and dotenv readers exactly; one that can't be is refused. " +
    'A new file is created readable by you alone (0600); an existing one keeps its mode, ' +
    'and a key is not written into a file that another user owns or others can read (through a symbolic link: its target) unless --allow-shared-file. ' +
    'The write is atomic, and through a symbolic link to its target. ' +
    'A key-less profile writes no key (and removes one the file had). ' +
    'Makes no network call.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --env-file deploy/.env --profile ci',
    '<%= config.bin %> <%= command.id %> -f new.env',
    '<%= config.bin %> <%= command.id %> --env-file /srv/app/.env --allow-shared-file',
    '<%= config.bin %> <%= command.id %> --json',
  ]
  static override flags = {
    'allow-shared-file': Flags.boolean({
      description: 'Write the key even into a file that another user owns or that others can read (it keeps its mode, and its owner when you are root)',
    }),
    'env-file': Flags.string({
      aliases: ['file'],
      char: 'f',
      default: '.env',
      description: 'The dotenv file to write, relative to the working directory (alias: --file)',
    }),
    profile: profileFlag,
    'project-id': projectIdFlag,
  }

  async run(): Promise<InjectJson> {
    const {flags} = await this.parse(AuthInject)
    const credentialService = await this.services.credentialService()
    const written = await credentialService.writeEnvFile(
      flags['env-file'],
      {profile: flags.profile, projectId: flags['project-id']},
      {allowSharedFile: flags['allow-shared-file']},
    )
    const unset = written.unset.length > 0 ? `; ${nameList(written.unset)} left out (this credential has none)` : ''
    this.say(`Wrote ${nameList(written.variables)} (${credentialSource(written.credentials)}) to ${written.envFile}${unset}.`)
    return {envFile: written.envFile, variables: written.variables}
  }
}
