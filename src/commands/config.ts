import {OutputCommand} from '../output-command.js'
import {outputFlag} from '../ui/output.js'
import {type ConfigView, configText} from '../ui/views.js'

export default class Config extends OutputCommand<ConfigView> {
  static override summary = 'Show the current environment, profile and project'
  static override description =
    "The local configuration every llamactl command starts from: the current environment, its current profile and that profile's project, with the project's name when the server can be asked (else null). -o json/yaml print {environment, profile, project_id, project_name}; --json is -o json. Does not read the LLAMA_* variables: `auth status` shows the credential in effect."
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> -o json']
  static override flags = {output: outputFlag}

  async run(): Promise<ConfigView> {
    const {flags} = await this.parse(Config)
    const env = await this.services.environmentStore.current()
    const profile = await this.services.profileStore.current(env.apiUrl)
    const projectId = profile?.projectId ?? null
    const projectName = profile && projectId ? await (await this.services.projectService()).projectName(env, profile, projectId) : null
    const view: ConfigView = {environment: env.apiUrl, profile: profile?.name ?? null, project_id: projectId, project_name: projectName}
    return this.print(flags.output, view, () => configText(view))
  }
}
