import {Args} from '@oclif/core'

import {CliError} from '../../errors.js'
import {normalizeApiUrl} from '../../api-url.js'
import {compareCodePoints} from '../../model.js'
import {OutputCommand, oneOrAll} from '../../output-command.js'
import {type Column, outputFlag, renderTable} from '../../ui/output.js'
import {environmentView, type EnvironmentView, yesNo} from '../../ui/views.js'

/** An API_URL as environments are stored (normalised); what can't be normalised only loses its trailing slashes. */
function storedForm(input: string): string {
  try {
    return normalizeApiUrl(input)
  } catch {
    return input.replace(/\/+$/, '')
  }
}

type Row = EnvironmentView & {capabilities?: string[]; min: null | string}

const COLUMNS: Column<Row>[] = [
  {cell: (e) => e.api_url, title: 'API_URL'},
  {cell: (e) => yesNo(e.requires_auth), title: 'REQUIRES_AUTH'},
  {cell: (e) => yesNo(e.active), title: 'ACTIVE'},
  {cell: (e) => e.min ?? '-', title: 'MIN_LLAMACTL_VERSION', wide: true},
  {cell: (e) => (e.capabilities === undefined ? '?' : e.capabilities.join(',') || '-'), title: 'CAPABILITIES', wide: true},
]

export default class EnvironmentsGet extends OutputCommand<EnvironmentView | EnvironmentView[]> {
  static override summary = 'List environments, or show one'
  static override description =
    'Environments sorted by API URL (the built-in https://api.cloud.llamaindex.ai among them), ' +
    'or the one at API_URL (a trailing / is ignored; exit 1 when unknown). ' +
    '-o json/yaml print each as {api_url, requires_auth, active}; --json is -o json; ' +
    '-o wide adds the oldest llamactl each accepts and the capabilities its server reported. ' +
    'Makes no network call. ' +
    'Same as `auth env list`, in the Python llamactl 0.10 shapes.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -o json',
    '<%= config.bin %> <%= command.id %> https://api.cloud.llamaindex.ai',
  ]
  static override args = {api_url: Args.string({description: 'API URL of a known environment'})}
  static override flags = {output: outputFlag}

  async run(): Promise<EnvironmentView | EnvironmentView[]> {
    const {args, flags} = await this.parse(EnvironmentsGet)
    const {current, environments} = await this.services.environmentStore.list()
    // Python's `ORDER BY api_url` (SQLite's BINARY order).
    const sorted = [...environments].sort((a, b) => compareCodePoints(a.apiUrl, b.apiUrl))
    const wanted = args.api_url === undefined ? undefined : storedForm(args.api_url)
    const envs = oneOrAll(
      sorted,
      wanted,
      (env) => env.apiUrl,
      () => new CliError(`Environment '${wanted}' not found`, {code: 'unknown_environment', suggestion: 'See `llamactl environments get`'}),
    )

    const views = envs.map((env) => environmentView(env, env.apiUrl === current))
    const rows: Row[] = envs.map((env, i) => ({...views[i], capabilities: env.capabilities, min: env.minLlamactlVersion}))
    return this.print(flags.output, wanted === undefined ? views : views[0], (wide) => renderTable(rows, COLUMNS, wide))
  }
}
